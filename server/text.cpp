// SPDX-License-Identifier: GPL-3.0-only
// GET /text?mode=stream|buffered&chunk=5&interval=100&type=…&split=chars|bytes
// The bundled bilingual document, typed out `chunk` characters (or bytes) at a time.
#include "endpoints.h"
#include "pacedbody.h"
#include "samples.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// Offsets where pieces of `perPiece` characters end. UTF-8 continuation bytes (10xxxxxx)
// never start a character, so a cut only ever lands before a lead byte.
QList<qsizetype> characterPieceEnds(const QByteArray &utf8, qint64 perPiece)
{
    QList<qsizetype> ends;
    qint64 inPiece = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const bool startsCharacter = (uchar(utf8.at(i)) & 0xC0) != 0x80;
        if (startsCharacter && inPiece == perPiece) {
            ends.append(i);
            inPiece = 0;
        }
        if (startsCharacter)
            ++inPiece;
    }
    if (!utf8.isEmpty())
        ends.append(utf8.size());
    return ends;
}

bool isValidMediaType(const QString &type)
{
    // type "/" subtype, then optional parameters: RFC 9110 §8.3.1 tokens, quoted values.
    static const QRegularExpression pattern(
        uR"(^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|"[^"\\\x00-\x1f]*"))*$)"_s);
    return type.size() <= 200 && pattern.match(type).hasMatch();
}

} // namespace

void endpoints::text(const EndpointEnv &env, ResponseWriter &&writer)
{
    QueryParams params(writer.request().query);
    const QString mode = params.choice(u"mode"_s, {u"stream"_s, u"buffered"_s});
    const qint64 chunk = params.integer(u"chunk"_s, 5, 1, limits::kMaxChunkBytes);
    const qint64 interval = params.integer(u"interval"_s, 100, 0, limits::kMaxIntervalMs, u"ms");
    const QString type = params.text(u"type"_s, u"application/octet-stream"_s, 200);
    const QString split = params.choice(u"split"_s, {u"chars"_s, u"bytes"_s});
    if (params.isValid() && !isValidMediaType(type))
        params.fail(u"type: must be a media type such as text/plain; charset=utf-8"_s);

    PacedPlan plan;
    plan.payload = env.samples->text();
    // split=bytes cuts every `chunk` bytes, deliberately through the middle of characters.
    plan.pieceEnds = split == u"bytes"_s ? evenPieceEnds(plan.payload.size(), chunk)
                                         : characterPieceEnds(plan.payload, chunk);
    plan.intervalMs = int(interval);
    plan.isBuffered = mode == u"buffered"_s;
    plan.headers = {{"Content-Type", type.toLatin1()}, {"Cache-Control", "no-store"}};
    servePaced(env.streamParent, std::move(writer), params, std::move(plan));
}
