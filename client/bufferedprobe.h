// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "qnamprobe.h"

// Reads the way most code does: nothing until QNetworkReply::finished(), then the whole body
// at once. Records Request, Headers, then one Chunk with every body byte (fields.text when the
// body is text, decided as the stream probe decides, and at most kMaxTextBytes), then Done.
// The body is held in memory, up to kMaxBodyBytes; a larger one fails the run.
class BufferedProbe : public QnamProbe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BufferedProbe)
public:
    static constexpr qint64 kMaxBodyBytes = 256 * 1024 * 1024;
    static constexpr qint64 kMaxTextBytes = 1024 * 1024;

    explicit BufferedProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~BufferedProbe() override;

protected:
    void begin() override;
    void watch(QNetworkReply &reply) override;
    void readRest(QNetworkReply &reply) override;

private:
    void onDownloadProgress(qint64 received);
};
