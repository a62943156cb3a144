// SPDX-License-Identifier: GPL-3.0-only
#include "stream.h"

#include <QScopedValueRollback>
#include <QTcpSocket>

std::atomic<int> Pacer::s_active{0};
std::atomic<int> Stream::s_live{0};

Pacer::Pacer(QObject *parent) : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_timer.isSingleShot())
            setActive(false);
        emit fired();
    });
}

Pacer::~Pacer()
{
    setActive(false);
}

void Pacer::startRepeating(int intervalMs)
{
    m_timer.setSingleShot(false);
    m_timer.start(intervalMs);
    setActive(true);
}

void Pacer::startOnce(int delayMs)
{
    m_timer.setSingleShot(true);
    m_timer.start(delayMs);
    setActive(true);
}

void Pacer::stop()
{
    m_timer.stop();
    setActive(false);
}

void Pacer::setActive(bool isActive)
{
    if (m_isActive == isActive)
        return;
    m_isActive = isActive;
    s_active += isActive ? 1 : -1;
}

Stream::Stream(ResponseWriter &&writer, QObject *parent)
    : QObject(parent), m_writer(std::move(writer))
{
    ++s_live;
    QTcpSocket *socket = m_writer.socket();
    if (!socket || !m_writer.isConnected()) {
        QMetaObject::invokeMethod(this, &Stream::onClientGone, Qt::QueuedConnection);
        return;
    }
    connect(socket, &QAbstractSocket::disconnected, this, &Stream::onClientGone);
    connect(socket, &QObject::destroyed, this, &Stream::onClientGone);
}

Stream::~Stream()
{
    // The writer's destructor may abort the socket, which emits disconnected: this object
    // must no longer be listening by then.
    if (QTcpSocket *socket = m_writer.socket())
        disconnect(socket, nullptr, this, nullptr);
    --s_live;
}

void Stream::finish()
{
    if (m_isDone)
        return;
    m_isDone = true;  // before end(): its flush can re-enter this stream through bytesWritten
    m_writer.end();
    release();
}

void Stream::onClientGone()
{
    if (!m_isDone)
        release();  // the writer's destructor logs the response as incomplete
}

void Stream::release()
{
    m_isDone = true;
    for (Pacer *pacer : findChildren<Pacer *>())
        pacer->stop();
    emit finished();
    deleteLater();
}

void Stream::pumpWhileDraining(qint64 low, std::function<bool()> refill)
{
    m_lowWater = low;
    m_refill = std::move(refill);
    QTcpSocket *socket = m_writer.socket();
    if (!socket)
        return;
    connect(socket, &QIODevice::bytesWritten, this, &Stream::pump);
    QMetaObject::invokeMethod(this, &Stream::pump, Qt::QueuedConnection);
}

void Stream::pump()
{
    // write() flushes, and QAbstractSocket::flush() emits bytesWritten synchronously: without
    // this guard the pump would re-enter itself in the middle of a refill.
    if (m_isPumping)
        return;
    const QScopedValueRollback<bool> pumping(m_isPumping, true);
    // On loopback the kernel may accept data as fast as we produce it; a budget per pass
    // returns to the event loop so one fast download cannot starve other connections.
    constexpr int kRefillsPerPass = 16;
    for (int refills = 0; refills < kRefillsPerPass; ++refills) {
        if (m_isDone || !m_writer.isConnected() || m_writer.bytesToWrite() >= m_lowWater)
            return;
        if (!m_refill()) {  // false: the body is complete
            finish();
            return;
        }
    }
    QMetaObject::invokeMethod(this, &Stream::pump, Qt::QueuedConnection);
}
