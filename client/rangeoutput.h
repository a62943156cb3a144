// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "rangeplan.h"
#include "result.h"

#include <QByteArrayView>
#include <QFile>
#include <QString>

#include <memory>

// The file a range download is assembled in (written at the right offsets, in bounded memory)
// and its resume sidecar, "<path>.streamlab-partial". Functions returning QString return an
// empty string on success, otherwise an error naming the file.
class RangeOutput
{
public:
    static constexpr auto kSidecarSuffix = ".streamlab-partial";

    RangeOutput();
    ~RangeOutput();
    Q_DISABLE_COPY_MOVE(RangeOutput)

    // Opens `path` for reading and writing, created when missing and truncated unless
    // `keepContents`; an empty `path` opens a temporary file, removed with this object.
    QString open(const QString &path, bool keepContents);
    bool isOpen() const { return m_file != nullptr; }
    // The output path the caller chose; empty for a temporary file.
    QString path() const { return m_path; }
    QString sidecarPath() const;
    qint64 size() const;

    // Reads the sidecar; fails when there is none, when it is malformed, or when it claims
    // bytes beyond the end of the partial file.
    Result<rangeplan::PartialState> loadSidecar() const;
    // Flushes the file data first, then replaces the sidecar atomically, so a sidecar never
    // claims bytes that are not in the file. No-op for a temporary file.
    QString saveSidecar(const rangeplan::PartialState &state);
    void removeSidecar();

    // Empties the file, then gives it `size` bytes (zeros) when size >= 0.
    QString reset(qint64 size);
    QString resize(qint64 size);
    QString writeAt(qint64 offset, QByteArrayView bytes);
    // SHA-256 of the whole file, lower-case hex; read in blocks.
    Result<QByteArray> sha256();

private:
    QString failure(const QString &what) const;

    std::unique_ptr<QFile> m_file;
    QString m_path;
};
