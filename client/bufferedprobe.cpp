// SPDX-License-Identifier: GPL-3.0-only
#include "bufferedprobe.h"

#include "bodytext.h"

using namespace Qt::StringLiterals;

BufferedProbe::BufferedProbe(ProbeSettings settings, QObject *parent)
    : QnamProbe(std::move(settings), parent)
{
}

BufferedProbe::~BufferedProbe() = default;

void BufferedProbe::begin()
{
    if (!bodytext::decodingFromName(settings().textDecoding)) {
        finish(false, u"text decoding: unknown value \"%1\" (use auto, utf-8 or none)"_s.arg(
                              settings().textDecoding));
        return;
    }
    QnamProbe::begin();
}

void BufferedProbe::watch(QNetworkReply &reply)
{
    // No readyRead: the reply keeps every byte until finished(), as in typical code. Only the
    // size is watched, to keep memory bounded against an endless body.
    connect(&reply, &QNetworkReply::downloadProgress, this,
            [this](qint64 received, qint64) { onDownloadProgress(received); });
}

void BufferedProbe::onDownloadProgress(qint64 received)
{
    if (received > kMaxBodyBytes) {
        finish(false, u"the body exceeded %1 bytes, the most the buffered probe holds in "
                      "memory (use the stream probe for large bodies)"_s.arg(kMaxBodyBytes));
    }
}

void BufferedProbe::readRest(QNetworkReply &reply)
{
    const QByteArray body = reply.readAll();
    if (body.isEmpty())
        return; // nothing arrived (204, HEAD, an error before the body): no Chunk
    QJsonObject fields;
    const auto decoding = bodytext::decodingFromName(settings().textDecoding);
    const QByteArray contentType = reply.rawHeader("Content-Type");
    if (body.size() <= kMaxTextBytes
        && bodytext::shouldDecode(*decoding, contentType, body.first(qMin(body.size(),
                                                                          qnam::kReadBufferBytes)))) {
        bodytext::StreamDecoder decoder;
        fields.insert(u"text"_s, QString(decoder.decode(body) + decoder.finish()));
    } else if (settings().keepsBody) {
        fields.insert(u"data_b64"_s, QString::fromLatin1(body.toBase64()));
    }
    observe(ObservationKind::Chunk, body.size(), fields);
}
