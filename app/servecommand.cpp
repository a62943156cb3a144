// SPDX-License-Identifier: GPL-3.0-only
#include "servecommand.h"

#include "commandline.h"
#include "serverhost.h"
#include "signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr quint16 kDefaultPort = 8765;

std::optional<QHostAddress> parseAddress(const QString &text)
{
    if (text == u"localhost"_s)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Runs StreamLab's built-in server only: every streaming technique on one port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption bind(u"bind"_s, u"Address to listen on (default 127.0.0.1)."_s,
                                  u"ADDR"_s, u"127.0.0.1"_s);
    const QCommandLineOption port(
        u"port"_s, u"Port to listen on; 0 lets the OS choose (default %1)."_s.arg(kDefaultPort),
        u"N"_s, QString::number(kDefaultPort));
    const QCommandLineOption files(
        u"files"_s, u"Folder served under /files/ (default: the bundled samples)."_s, u"DIR"_s);
    const QCommandLineOption idle(u"idle-timeout"_s,
                                  u"Close keep-alive connections idle this many seconds; 0 never "
                                  "(default 60)."_s,
                                  u"S"_s, u"60"_s);
    const QCommandLineOption maxBody(
        u"max-body"_s, u"Largest request body accepted, in bytes (default 1048576)."_s, u"N"_s,
        u"1048576"_s);
    const QCommandLineOption token(
        u"token"_s,
        u"Require this token on /sse, /poll, /ws and /publish (as ?token= "
        "or Authorization: Bearer)."_s,
        u"T"_s);
    const QCommandLineOption retain(u"retain"_s,
                                    u"Messages kept per topic for reconnecting subscribers "
                                    "(default 1000)."_s,
                                    u"N"_s, u"1000"_s);
    parser.addOptions({bind, port, files, idle, maxBody, token, retain});
    if (!parser.parse(arguments))
        return commandline::usageError("serve", parser.errorText());
    if (parser.isSet(u"help"_s))
        commandline::showHelp(parser, "serve");
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return commandline::usageError(
            "serve", u"unexpected argument '%1'"_s.arg(parser.positionalArguments().first()));

    ServerConfig config;
    const std::optional<QHostAddress> address = parseAddress(parser.value(bind));
    if (!address)
        return commandline::usageError(
            "serve", u"--bind: not an IP address: '%1'"_s.arg(parser.value(bind)));
    config.address = *address;
    bool ok = false;
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber > 65535)
        return commandline::usageError(
            "serve",
            u"--port: must be a number from 0 to 65535, got '%1'"_s.arg(parser.value(port)));
    config.port = quint16(portNumber);
    if (parser.isSet(files)) {
        config.filesDir = parser.value(files);
        if (!QFileInfo(config.filesDir).isDir())
            return commandline::usageError("serve",
                                           u"--files: not a folder: '%1'"_s.arg(config.filesDir));
    }
    const uint idleSeconds = parser.value(idle).toUInt(&ok);
    if (!ok || idleSeconds > 86400)
        return commandline::usageError(
            "serve", u"--idle-timeout: must be a number of seconds from 0 to 86400, got '%1'"_s.arg(
                         parser.value(idle)));
    config.connection.idleTimeoutMs = int(idleSeconds * 1000);
    const qint64 bodyLimit = parser.value(maxBody).toLongLong(&ok);
    if (!ok || bodyLimit < 0 || bodyLimit > (qint64(1) << 32))
        return commandline::usageError(
            "serve", u"--max-body: must be a number of bytes from 0 to 4294967296, got '%1'"_s.arg(
                         parser.value(maxBody)));
    config.connection.limits.maxBodyBytes = bodyLimit;
    const uint retained = parser.value(retain).toUInt(&ok);
    if (!ok || retained < 1 || retained > 1'000'000)
        return commandline::usageError(
            "serve", u"--retain: must be a number of messages from 1 to 1000000, got '%1'"_s.arg(
                         parser.value(retain)));
    config.retention = int(retained);
    if (parser.isSet(token)) {
        config.token = parser.value(token).toUtf8();
        if (config.token.isEmpty() || config.token.contains(' '))
            return commandline::usageError("serve", u"--token: must be a non-empty word"_s);
    }

    SignalWatcher watcher;
    ServerHost host(config);
    const Result<QUrl> started = host.start();
    if (!started.isOk()) {
        std::fprintf(stderr, "streamlab serve: %s\n", qPrintable(started.error()));
        return 1;
    }
    std::printf("%s\n", started.value().toEncoded().constData());
    std::fflush(stdout);
    const FileLimit fileLimit = host.fileLimit();
    if (fileLimit.soft >= 0) {
        std::fprintf(stderr, "streamlab serve: open files limit %lld%s (about as many connections)\n",
                     fileLimit.soft,
                     fileLimit.isRaised() ? qPrintable(u" (raised from %1)"_s.arg(fileLimit.before)) : "");
    }
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, qApp,
                     [](int) { QCoreApplication::quit(); });
    QCoreApplication::exec();
    host.stop();
    std::fprintf(stderr, "streamlab serve: stopped\n");
    return 0;
}
