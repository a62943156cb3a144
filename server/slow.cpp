// SPDX-License-Identifier: GPL-3.0-only
// GET /slow?delay=5000&mode=buffered|chunked&keepalive=1000
// An answer that takes `delay` ms to prepare. Buffered: silence, then the answer. Chunked:
// a one-space keep-alive chunk every `keepalive` ms meanwhile (whitespace keeps the JSON
// body valid), which resets a client's read (inactivity) timeout every time.
#include "endpoints.h"
#include "queryparams.h"
#include "stream.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

class SlowStream : public Stream
{
public:
    SlowStream(ResponseWriter &&response, int delayMs, bool isChunked, int keepaliveMs,
               QObject *parent)
        : Stream(std::move(response), parent),
          m_delayMs(delayMs),
          m_isChunked(isChunked),
          m_keepaliveMs(keepaliveMs),
          m_ready(new Pacer(this)),
          m_keepalive(new Pacer(this))
    {
        connect(m_ready, &Pacer::fired, this, [this] { answer(); });
        connect(m_keepalive, &Pacer::fired, this, [this] {
            ++m_keepalives;
            writer().write(" ");
        });
    }

    void start()
    {
        if (m_isChunked)
            writer().beginStream(200, headers());
        if (writer().request().isHead()) {
            if (!m_isChunked)
                writer().beginFixed(200, headers(), body().size());
            finish();
            return;
        }
        if (m_isChunked && m_keepaliveMs < m_delayMs)
            m_keepalive->startRepeating(m_keepaliveMs);
        m_ready->startOnce(m_delayMs);
    }

private:
    static HeaderList headers()
    {
        return {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
    }

    QByteArray body() const
    {
        const QJsonObject object{{u"delay_ms"_s, m_delayMs},
                                 {u"mode"_s, m_isChunked ? u"chunked"_s : u"buffered"_s},
                                 {u"keepalives"_s, m_keepalives}};
        return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    }

    void answer()
    {
        m_keepalive->stop();
        if (m_isChunked)
            writer().write(body());
        else
            writer().send(200, {}, body(), headers());
        finish();
    }

    int m_delayMs;
    bool m_isChunked;
    int m_keepaliveMs;
    Pacer *m_ready;
    Pacer *m_keepalive;
    int m_keepalives = 0;
};

} // namespace

void endpoints::slow(const EndpointEnv &env, ResponseWriter &&writer)
{
    QueryParams params(writer.request().query);
    const qint64 delay = params.integer(u"delay"_s, 5000, 0, limits::kMaxDurationMs, u"ms");
    const QString mode = params.choice(u"mode"_s, {u"buffered"_s, u"chunked"_s});
    const qint64 keepalive = params.integer(u"keepalive"_s, 1000, 1, limits::kMaxIntervalMs,
                                            u"ms");
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    auto *stream = new SlowStream(std::move(writer), int(delay), mode == u"chunked"_s,
                                  int(keepalive), env.streamParent);
    stream->start();
}
