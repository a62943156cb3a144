// SPDX-License-Identifier: GPL-3.0-only
// streamlab: the lab window by default; subcommands run headless.
#include "comparecommand.h"
#include "guicommand.h"
#include "probecommand.h"
#include "servecommand.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

const char kUsage[] =
    "Usage: streamlab [COMMAND] [OPTIONS]\n"
    "See how the web streams and pushes data.\n\n"
    "Commands:\n"
    "  gui       the lab window, with the built-in server (the default)\n"
    "  serve     run only the built-in server, headless\n"
    "  probe     read one URL (any server) and show when every piece arrived\n"
    "  compare   send one payload through several techniques side by side and compare\n\n"
    "Run 'streamlab COMMAND --help' for a command's options.\n";

} // namespace

int main(int argc, char *argv[])
{
    const QByteArray first = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (first.isEmpty() || first == "gui" || (first.startsWith('-') && first != "--help"
                                              && first != "-h" && first != "--version"
                                              && first != "-v")) {
        return runGui(argc, argv);
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"streamlab"_s);
    QCoreApplication::setOrganizationName(u"StreamLab"_s);
    QCoreApplication::setApplicationVersion(QString::fromLatin1(STREAMLAB_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.size() > 1 ? arguments.at(1) : QString();
    if (command == u"--help"_s || command == u"-h"_s) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == u"--version"_s || command == u"-v"_s) {
        std::printf("streamlab %s\n", STREAMLAB_VERSION);
        return 0;
    }
    if (command == u"probe"_s || command == u"compare"_s) {
        arguments.removeAt(1);
        return command == u"probe"_s ? runProbe(arguments) : runCompare(arguments);
    } else if (command != u"serve"_s) {
        std::fprintf(stderr, "streamlab: unknown command '%s' (see streamlab --help)\n",
                     qPrintable(command));
        return 2;
    }
    arguments.removeAt(1);  // QCommandLineParser sees "streamlab [options]"
    return runServe(arguments);
}
