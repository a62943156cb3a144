// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "bodytext.h"
#include "qnamprobe.h"

// Reads at every readyRead, at most qnam::kReadBufferBytes at a time, so bytes are recorded
// when they reach the application. One Chunk per read: bytes = the bytes read; when the body
// is text (settings().textDecoding, see bodytext::shouldDecode, decided at the first read),
// fields.text is the read decoded by a streaming UTF-8 decoder (a character cut across reads
// is completed by the next one), and fields.naive_text is the read decoded on its own with
// QString::fromUtf8, only when that differs, i.e. when a naive client would have corrupted it.
class StreamProbe : public QnamProbe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamProbe)
public:
    explicit StreamProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~StreamProbe() override;

protected:
    void begin() override;
    void watch(QNetworkReply &reply) override;
    void readRest(QNetworkReply &reply) override;

private:
    enum class TextState {
        Undecided, // no body byte read yet
        Text,      // decode every read
        Binary,    // never decode
    };

    void readAvailable(QNetworkReply &reply);
    QJsonObject textFields(QNetworkReply &reply, const QByteArray &bytes);

    bodytext::Decoding m_decoding = bodytext::Decoding::Auto;
    TextState m_textState = TextState::Undecided;
    bodytext::StreamDecoder m_decoder;
};
