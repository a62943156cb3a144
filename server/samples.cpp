// SPDX-License-Identifier: GPL-3.0-only
#include "samples.h"

#include "pngimage.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace {

// SplitMix64 step: every 8-byte word of sample.bin is this function of its index, so any
// range can be produced (or verified) without the bytes before it.
quint64 wordAt(quint64 index)
{
    quint64 z = index * 0x9E3779B97F4A7C15ULL + 0x5354'5245'414D'4C41ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

Result<bool> writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return Result<bool>::failure(u"cannot write "_s + path + u": "_s + file.errorString());
    return Result<bool>::success(true);
}

} // namespace

Samples::Samples()
{
    QFile textFile(u":/streamlab/text/streaming.txt"_s);
    if (textFile.open(QIODevice::ReadOnly))
        m_text = textFile.readAll();
    Q_ASSERT_X(!m_text.isEmpty(), "Samples", "the bundled document is missing from resources");
    m_image = pngimage::samplePng();
}

QByteArray Samples::binaryBytes(qint64 offset, qint64 length)
{
    QByteArray bytes(length, Qt::Uninitialized);
    for (qint64 i = 0; i < length; ++i) {
        const quint64 position = quint64(offset + i);
        bytes[i] = char(wordAt(position / 8) >> (8 * (position % 8)));
    }
    return bytes;
}

Result<QString> Samples::writeTo(const QString &folder) const
{
    const QDir dir(folder);
    const std::pair<const char *, QByteArray> files[] = {
        {kTextName, m_text},
        {kImageName, m_image},
        {kBinaryName, binaryBytes(0, kBinaryBytes)},
    };
    for (const auto &[name, bytes] : files) {
        const Result<bool> written = writeFile(dir.filePath(QString::fromLatin1(name)), bytes);
        if (!written.isOk())
            return Result<QString>::failure(written.error());
    }
    return Result<QString>::success(QFileInfo(folder).canonicalFilePath());
}
