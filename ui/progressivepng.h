// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArrayView>
#include <QImage>
#include <QString>

#include <memory>

// Decodes a PNG while its bytes arrive, as a browser does: libpng's progressive ("push")
// reader turns each slice into rows at once, so image() shows what has arrived so far. An
// Adam7-interlaced file first fills the whole frame with 8×8 blocks from pass 1 and sharpens
// with each later pass (libpng's "rectangle" display); a non-interlaced one fills top down.
// Pixels not yet received are transparent.
//
// Not thread-safe; use from one thread. Never throws and never crashes on bad input: the first
// libpng error stops decoding for good and is reported by state() and errorString().
class ProgressivePng
{
    Q_DISABLE_COPY_MOVE(ProgressivePng)
public:
    enum class State {
        Waiting,  // no image header yet (or nothing fed)
        Drawing,  // header read; rows are arriving
        Complete, // IEND reached: image() is the whole picture
        Failed,   // not a PNG, corrupt, or too large; image() keeps what was drawn
    };

    // Largest width × height accepted (a garbage header must not allocate gigabytes).
    static constexpr qint64 kMaxPixels = 64 * 1024 * 1024;
    static constexpr int kMaxSide = 32768;

    ProgressivePng();
    ~ProgressivePng();

    // Decodes the next slice of the file. Returns false once decoding failed (now or before).
    // Bytes after the end of the image are ignored.
    bool feed(QByteArrayView bytes);

    State state() const;
    QString errorString() const;
    // Format_RGBA8888 at the image's full size once the header is read; null before.
    const QImage &image() const;
    // Rows drawn so far over all passes (0 until the first pixel is drawn).
    qint64 rowsDrawn() const;
    bool isInterlaced() const;

    // Whether `bytes` begins with the 8-byte PNG signature.
    static bool hasSignature(QByteArrayView bytes);

    struct Decoder; // opaque: libpng state, defined in the .cpp

private:
    std::unique_ptr<Decoder> m_decoder;
};
