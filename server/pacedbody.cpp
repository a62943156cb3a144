// SPDX-License-Identifier: GPL-3.0-only
#include "pacedbody.h"

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kBurstLowWater = 64 * 1024;  // interval 0: keep this much queued

class PacedStream : public Stream
{
public:
    PacedStream(ResponseWriter &&response, PacedPlan plan, QObject *parent)
        : Stream(std::move(response), parent), m_plan(std::move(plan)), m_pacer(new Pacer(this))
    {
        connect(m_pacer, &Pacer::fired, this, &PacedStream::onTick);
    }

    void start()
    {
        if (writer().request().isHead()) {
            if (m_plan.isBuffered)
                writer().beginFixed(200, m_plan.headers, m_plan.payload.size());
            else
                writer().beginStream(200, m_plan.headers);
            finish();
        } else if (m_plan.isBuffered) {
            const qint64 delay = qint64(m_plan.pieceEnds.size() - 1) * m_plan.intervalMs;
            m_pacer->startOnce(int(delay));
        } else {
            writer().beginStream(200, m_plan.headers);
            writeNextPiece();
            if (m_plan.intervalMs > 0)
                m_pacer->startRepeating(m_plan.intervalMs);
            else
                pumpWhileDraining(kBurstLowWater, [this] { return writeNextPiece(); });
        }
    }

private:
    void onTick()
    {
        if (m_plan.isBuffered) {
            writer().send(200, {}, m_plan.payload, m_plan.headers);
            finish();
        } else {
            writeNextPiece();
        }
    }

    // Writes the next piece; returns false (and finishes) when there is none left.
    bool writeNextPiece()
    {
        if (m_next >= m_plan.pieceEnds.size()) {
            finish();
            return false;
        }
        const qsizetype begin = m_next == 0 ? 0 : m_plan.pieceEnds.at(m_next - 1);
        const qsizetype end = m_plan.pieceEnds.at(m_next++);
        writer().write(QByteArrayView(m_plan.payload).sliced(begin, end - begin));
        if (m_next == m_plan.pieceEnds.size()) {
            finish();
            return false;
        }
        return true;
    }

    PacedPlan m_plan;
    Pacer *m_pacer;
    qsizetype m_next = 0;
};

} // namespace

QList<qsizetype> evenPieceEnds(qsizetype size, qint64 perPiece)
{
    QList<qsizetype> ends;
    for (qsizetype end = perPiece; end < size; end += perPiece)
        ends.append(end);
    if (size > 0)
        ends.append(size);
    return ends;
}

void servePaced(QObject *streamParent, ResponseWriter &&writer, QueryParams &params,
                PacedPlan plan)
{
    const qsizetype pieces = plan.pieceEnds.size();
    const qint64 totalMs = qint64(pieces - 1) * plan.intervalMs;
    if (params.isValid() && totalMs > limits::kMaxDurationMs) {
        params.fail(u"interval: "_s + QString::number(plan.intervalMs) + u" ms × "_s
                    + QString::number(pieces) + u" pieces = "_s + QString::number(totalMs / 1000)
                    + u" s, over the limit of "_s + QString::number(limits::kMaxDurationMs / 1000)
                    + u" s; raise chunk or lower interval"_s);
    }
    if (!params.isValid()) {
        writer.sendText(400, params.error());
        return;
    }
    auto *stream = new PacedStream(std::move(writer), std::move(plan), streamParent);
    stream->start();
}
