// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "responsewriter.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <functional>

// A timer for pacing writes: always Qt::PreciseTimer (the coarse default allows ~5% slop),
// and counted while active, so tests can prove that no timer outlives its stream.
class Pacer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Pacer)
public:
    explicit Pacer(QObject *parent);
    ~Pacer() override;

    void startRepeating(int intervalMs);
    void startOnce(int delayMs);
    void stop();
    bool isActive() const { return m_isActive; }

    static int activeCount() { return s_active.load(); }

signals:
    void fired();

private:
    void setActive(bool isActive);

    QTimer m_timer;
    bool m_isActive = false;
    static std::atomic<int> s_active;
};

// One object per streaming response (qBittorrent's one-object-per-connection idea). It owns
// the response writer and its Pacers, holds the socket through the writer's QPointer, stops
// every timer the moment the client disconnects, and deletes itself when done. Lives in the
// server thread; parented to the server's stream holder.
class Stream : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Stream)
public:
    Stream(ResponseWriter &&writer, QObject *parent);
    ~Stream() override;

    static int liveCount() { return s_live.load(); }

signals:
    void finished();

protected:
    ResponseWriter &writer() { return m_writer; }
    // Completes the response and schedules deletion.
    void finish();
    // Keeps the socket's send buffer between `low` and `high` bytes: calls `refill` whenever
    // it drains below `low`. For bodies limited only by the network (files, interval 0).
    void pumpWhileDraining(qint64 low, std::function<bool()> refill);

private:
    void onClientGone();
    void pump();
    // Stops every Pacer, announces the end and schedules deletion.
    void release();

    ResponseWriter m_writer;
    std::function<bool()> m_refill;
    qint64 m_lowWater = 0;
    bool m_isDone = false;
    bool m_isPumping = false;
    static std::atomic<int> s_live;
};
