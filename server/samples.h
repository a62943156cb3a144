// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>

// The bundled payloads every technique serves: the bilingual document (a resource), the
// interlaced PNG the project draws itself, and a deterministic binary file for range and
// resume demos. Immutable after construction; safe to read from any thread.
class Samples
{
public:
    static constexpr qint64 kBinaryBytes = 8 * 1024 * 1024;
    static constexpr const char *kTextName = "streaming.txt";
    static constexpr const char *kImageName = "city.png";
    static constexpr const char *kBinaryName = "sample.bin";

    Samples();

    const QByteArray &text() const { return m_text; }    // UTF-8
    const QByteArray &image() const { return m_image; }  // PNG, Adam7-interlaced

    // Byte `offset` of sample.bin: a fixed pseudo-random sequence, so any range of it can be
    // checked without the file.
    static QByteArray binaryBytes(qint64 offset, qint64 length);

    // Writes the three samples into `folder`; returns the folder's canonical path.
    Result<QString> writeTo(const QString &folder) const;

private:
    QByteArray m_text;
    QByteArray m_image;
};
