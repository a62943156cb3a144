// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>

// A tiny hand-written HTTP server on 127.0.0.1 (OS-chosen port) that misbehaves on purpose:
// it answers every connection by playing a script of raw writes, pauses, closes and silences,
// so probes can be tested against wrong MIME types, 204s, redirects, characters cut across
// reads, connections dropped mid-chunk and servers that go silent. It never parses more than
// the request head, which it keeps for the test to inspect.
class RogueServer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RogueServer)
public:
    struct Step
    {
        enum class Action {
            Write, // write `bytes` (flushed at once)
            Pause, // wait `ms` before the next step
            Close, // close the connection (FIN after pending bytes)
            Abort, // reset the connection at once
            Hang,  // do nothing more; keep the connection open
        };
        Action action = Action::Write;
        QByteArray bytes;
        int ms = 0;
    };
    using Script = QList<Step>;
    // Chooses the script for the connection with index `connection` (0, 1, 2…) from its
    // request head (request line and header lines, up to and including the blank line).
    using Scripter = std::function<Script(int connection, const QByteArray &requestHead)>;

    explicit RogueServer(Scripter scripter, QObject *parent = nullptr);
    ~RogueServer() override;

    bool listen();
    QUrl url(const QString &pathAndQuery = QStringLiteral("/")) const;
    quint16 port() const { return m_server.serverPort(); }

    // Request heads received so far, in order of arrival.
    QList<QByteArray> requests() const { return m_requests; }
    int connectionCount() const { return m_connections; }

    static Step write(const QByteArray &bytes) { return {Step::Action::Write, bytes, 0}; }
    static Step pause(int ms) { return {Step::Action::Pause, {}, ms}; }
    static Step close() { return {Step::Action::Close, {}, 0}; }
    static Step abort() { return {Step::Action::Abort, {}, 0}; }
    static Step hang() { return {Step::Action::Hang, {}, 0}; }
    // A complete response head: "HTTP/1.1 <statusLine>\r\n" + each header + "\r\n" + blank.
    static QByteArray head(const QByteArray &statusLine, const QList<QByteArray> &headers);

signals:
    void requestReceived(const QByteArray &requestHead);

private:
    void accept();
    void play(QPointer<QTcpSocket> socket, Script script, qsizetype next);

    QTcpServer m_server;
    Scripter m_scripter;
    QList<QByteArray> m_requests;
    int m_connections = 0;
};
