// SPDX-License-Identifier: GPL-3.0-only
#include "streamprobe.h"

using namespace Qt::StringLiterals;

StreamProbe::StreamProbe(ProbeSettings settings, QObject *parent)
    : QnamProbe(std::move(settings), parent)
{
}

StreamProbe::~StreamProbe() = default;

void StreamProbe::begin()
{
    const auto decoding = bodytext::decodingFromName(settings().textDecoding);
    if (!decoding) {
        finish(false, u"text decoding: unknown value \"%1\" (use auto, utf-8 or none)"_s.arg(
                              settings().textDecoding));
        return;
    }
    m_decoding = *decoding;
    QnamProbe::begin();
}

void StreamProbe::watch(QNetworkReply &reply)
{
    reply.setReadBufferSize(qnam::kReadBufferBytes);
    QPointer<QNetworkReply> guarded(&reply);
    connect(&reply, &QNetworkReply::readyRead, this, [this, guarded] {
        if (guarded)
            readAvailable(*guarded);
    });
}

void StreamProbe::readRest(QNetworkReply &reply)
{
    readAvailable(reply);
    if (isFinished() || m_textState != TextState::Text)
        return;
    const QString tail = m_decoder.finish();
    if (!tail.isEmpty()) {
        observe(ObservationKind::Chunk, 0,
                {{u"text"_s, tail},
                 {u"note"_s, u"the body ended inside a UTF-8 sequence"_s}});
    }
}

void StreamProbe::readAvailable(QNetworkReply &reply)
{
    while (!isFinished() && reply.bytesAvailable() > 0) {
        const QByteArray bytes = reply.read(qnam::kReadBufferBytes);
        if (bytes.isEmpty())
            return;
        observe(ObservationKind::Chunk, bytes.size(), textFields(reply, bytes));
    }
}

QJsonObject StreamProbe::textFields(QNetworkReply &reply, const QByteArray &bytes)
{
    if (m_textState == TextState::Undecided) {
        const bool isText = bodytext::shouldDecode(m_decoding, reply.rawHeader("Content-Type"),
                                                   bytes);
        m_textState = isText ? TextState::Text : TextState::Binary;
    }
    if (m_textState != TextState::Text) {
        if (settings().keepsBody)
            return {{u"data_b64"_s, QString::fromLatin1(bytes.toBase64())}};
        return {};
    }
    const QString text = m_decoder.decode(bytes);
    QJsonObject fields{{u"text"_s, text}};
    // What a client decoding each read on its own gets (the ASP.NET tutorial's C# loop).
    const QString naive = QString::fromUtf8(bytes);
    if (naive != text)
        fields.insert(u"naive_text"_s, naive);
    return fields;
}
