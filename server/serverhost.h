// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "filelimit.h"
#include "labserver.h"
#include "result.h"
#include "sendlog.h"

#include <QThread>
#include <QUrl>

// Runs a LabServer in a thread of its own, so that a busy GUI thread can never delay a
// write. Before the thread starts, it raises the open-file limit to the hard limit (one
// descriptor per connection) and makes the thread run Qt's poll()-based event dispatcher
// rather than GLib's: GLib's unregisterSocketNotifier searches a list of every socket, and a
// socket's write notifier is registered and unregistered on every write, so with GLib a
// fan-out to N subscribers costs O(N²) (measured: 54 ms for one message to 1,000 SSE
// subscribers, against 29 ms). Created and used from one thread (the GUI's or main's); start() blocks until the
// server listens or fails. The send log is thread-safe and readable from the caller's thread.
class ServerHost : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHost)
public:
    explicit ServerHost(const ServerConfig &config, QObject *parent = nullptr);
    ~ServerHost() override;

    Result<QUrl> start();
    void stop();

    bool isRunning() const { return m_server != nullptr; }
    QUrl baseUrl() const { return m_baseUrl; }
    quint16 port() const { return quint16(m_baseUrl.port()); }
    SendLog &sendLog() { return m_sendLog; }
    // The open-file limit as start() left it.
    FileLimit fileLimit() const { return m_fileLimit; }
    // The class name of the server thread's event dispatcher (for tests and the log).
    QByteArray eventDispatcherName() const;

    // Counts read in the server thread (for tests and the status bar).
    int liveStreamCount() const;
    int connectionCount() const;

private:
    template <typename Function>
    auto callInServerThread(Function function) const;

    ServerConfig m_config;
    SendLog m_sendLog;
    QThread m_thread;
    QObject *m_anchor = nullptr;   // lives in m_thread; parent of m_server
    LabServer *m_server = nullptr;
    QUrl m_baseUrl;
    FileLimit m_fileLimit;
};
