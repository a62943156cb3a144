// SPDX-License-Identifier: GPL-3.0-only
#include "guicommand.h"

#include "commandline.h"
#include "labwindow.h"
#include "serverhost.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr quint16 kDefaultPort = 8765;

// The usual port when it is free; else one the OS picks, and the window says so.
Result<QUrl> startServer(ServerHost *&host, quint16 port, QString *note)
{
    ServerConfig config;
    config.port = port;
    host = new ServerHost(config, qApp);
    Result<QUrl> started = host->start();
    if (started.isOk() || port == 0)
        return started;
    const QString firstError = started.error();
    delete host;
    config.port = 0;
    host = new ServerHost(config, qApp);
    started = host->start();
    if (started.isOk()) {
        *note = u"Port %1 is in use (%2), so the built-in server listens on %3 instead."_s.arg(
            QString::number(port), firstError, started.value().toString());
    }
    return started;
}

} // namespace

int runGui(int &argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"streamlab"_s);
    QApplication::setOrganizationName(u"StreamLab"_s);
    QApplication::setApplicationDisplayName(u"StreamLab"_s);
    QApplication::setApplicationVersion(QString::fromLatin1(STREAMLAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"The lab window, with the built-in server."_s);
    parser.addHelpOption();
    const QCommandLineOption portOption(
        u"port"_s, u"The built-in server's port (default 8765; taken → any free one)."_s, u"N"_s,
        QString::number(kDefaultPort));
    parser.addOption(portOption);
    QStringList arguments = QApplication::arguments();
    if (arguments.value(1) == u"gui"_s)
        arguments.removeAt(1);
    if (!parser.parse(arguments))
        return commandline::usageError("gui", parser.errorText());
    if (parser.isSet(u"help"_s))
        commandline::showHelp(parser, "gui");
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!ok || port > 65535)
        return commandline::usageError(
            "gui",
            u"--port: must be a number from 0 to 65535, got '%1'"_s.arg(parser.value(portOption)));

    ServerHost *host = nullptr;
    QString note;
    const Result<QUrl> started = startServer(host, quint16(port), &note);
    if (!started.isOk())
        note = u"The built-in server could not start: %1. Lesson 9 (Any URL) still works."_s.arg(
            started.error());
    // Said on the terminal too, for whoever started it from one (and for tests).
    if (started.isOk())
        std::fprintf(stderr, "streamlab: built-in server at %s\n",
                     qPrintable(started.value().toString()));
    if (!note.isEmpty())
        std::fprintf(stderr, "streamlab: %s\n", qPrintable(note));
    std::fflush(stderr);
    LabWindow window(started.isOk() ? started.value() : QUrl(), note);
    window.show();
    const int code = QApplication::exec();
    host->stop();
    return code;
}
