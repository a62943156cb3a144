// SPDX-License-Identifier: GPL-3.0-only
// GET /records?count=10&delay=500&format=ndjson|json-array
// Records produced one by one after `delay` ms of "work" each, every record its own HTTP
// chunk, carrying its sequence number and the server's monotonic send time.
#include "endpoints.h"
#include "monoclock.h"
#include "queryparams.h"
#include "stream.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kBurstLowWater = 64 * 1024;

class RecordsStream : public Stream
{
public:
    RecordsStream(ResponseWriter &&response, qint64 count, int delayMs, bool isArray,
                  QObject *parent)
        : Stream(std::move(response), parent),
          m_count(count),
          m_delayMs(delayMs),
          m_isArray(isArray),
          m_pacer(new Pacer(this))
    {
        connect(m_pacer, &Pacer::fired, this, [this] { writeNext(); });
    }

    void start()
    {
        writer().beginStream(200, {{"Content-Type", m_isArray ? "application/json; charset=utf-8"
                                                              : "application/x-ndjson"},
                                   {"Cache-Control", "no-store"}});
        if (writer().request().isHead())
            finish();
        else if (m_delayMs > 0)
            m_pacer->startRepeating(m_delayMs);
        else
            pumpWhileDraining(kBurstLowWater, [this] { return writeNext(); });
    }

private:
    bool writeNext()
    {
        ++m_seq;
        static const char *const names[] = {"Alice", "Bob", "Charlie", "David", "Eve",
                                            "Frank", "Grace", "Helen", "Ian", "李雷", "韩梅梅"};
        const QJsonObject record{
            {u"seq"_s, m_seq},
            {u"of"_s, m_count},
            {u"t_server_ns"_s, monotonicNowNs()},
            {u"name"_s, QString::fromUtf8(names[(m_seq - 1) % std::size(names)])},
        };
        const QByteArray json = QJsonDocument(record).toJson(QJsonDocument::Compact);
        QByteArray piece;
        if (m_isArray)
            piece = (m_seq == 1 ? "[\n" : ",\n") + json + (m_seq == m_count ? "\n]\n" : "");
        else
            piece = json + '\n';
        writer().write(piece);
        if (m_seq < m_count)
            return true;
        finish();
        return false;
    }

    qint64 m_count;
    int m_delayMs;
    bool m_isArray;
    Pacer *m_pacer;
    qint64 m_seq = 0;
};

} // namespace

void endpoints::records(const EndpointEnv &env, ResponseWriter &&writer)
{
    QueryParams params(writer.request().query);
    const qint64 count = params.integer(u"count"_s, 10, 1, limits::kMaxCount);
    const qint64 delay = params.integer(u"delay"_s, 500, 0, limits::kMaxIntervalMs, u"ms");
    const QString format = params.choice(u"format"_s, {u"ndjson"_s, u"json-array"_s});
    if (params.isValid() && count * delay > limits::kMaxDurationMs) {
        params.fail(u"delay: "_s + QString::number(delay) + u" ms × count "_s
                    + QString::number(count) + u" is over the limit of "_s
                    + QString::number(limits::kMaxDurationMs / 1000) + u" s"_s);
    }
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    auto *stream = new RecordsStream(std::move(writer), count, int(delay),
                                     format == u"json-array"_s, env.streamParent);
    stream->start();
}
