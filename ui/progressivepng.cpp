// SPDX-License-Identifier: GPL-3.0-only
#include "progressivepng.h"

#include <png.h>

#include <csetjmp>

// libpng reports errors by longjmp out of png_error(). The jump crosses processSlice() and the
// callbacks below, so none of them may hold an object with a destructor at a point where a
// libpng call can fail: they use plain C types around every libpng call, and C++ work
// (QImage) happens in helpers that have returned before the next libpng call.
struct ProgressivePng::Decoder
{
    png_structp png = nullptr;
    png_infop info = nullptr;
    QImage image;
    State state = State::Waiting;
    qint64 rowsDrawn = 0;
    bool isInterlaced = false;
    char error[256] = {};

    bool allocate(int width, int height)
    {
        image = QImage(width, height, QImage::Format_RGBA8888);
        if (image.isNull())
            return false;
        image.fill(Qt::transparent);
        state = State::Drawing;
        return true;
    }
};

namespace {

using Decoder = ProgressivePng::Decoder;

Decoder *decoderOf(png_structp png)
{
    return static_cast<Decoder *>(png_get_progressive_ptr(png));
}

[[noreturn]] void onError(png_structp png, png_const_charp message)
{
    auto *decoder = static_cast<Decoder *>(png_get_error_ptr(png));
    qstrncpy(decoder->error, message, sizeof decoder->error);
    png_longjmp(png, 1);
}

void onWarning(png_structp, png_const_charp) {}

// The header is in: ask libpng for 8-bit RGBA rows with interlacing handled, then allocate.
void onInfo(png_structp png, png_infop info)
{
    png_uint_32 width = 0;
    png_uint_32 height = 0;
    int depth = 0;
    int colorType = 0;
    int interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &colorType, &interlace, nullptr, nullptr);
    if (qint64(width) * qint64(height) > ProgressivePng::kMaxPixels)
        png_error(png, "the image is too large to draw");
    png_set_expand(png); // palette → RGB, gray < 8 bits → 8 bits, tRNS → alpha
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != png_size_t(width) * 4)
        png_error(png, "unexpected row layout");
    Decoder *decoder = decoderOf(png);
    decoder->isInterlaced = interlace != PNG_INTERLACE_NONE;
    if (!decoder->allocate(int(width), int(height)))
        png_error(png, "out of memory for the image");
}

// Called for every image row of every pass; `row` is null for rows a pass does not touch.
// Combining keeps earlier passes' pixels and spreads this pass's over its block.
void onRow(png_structp png, png_bytep row, png_uint_32 rowNumber, int)
{
    Decoder *decoder = decoderOf(png);
    if (!row || rowNumber >= png_uint_32(decoder->image.height()))
        return;
    png_progressive_combine_row(png, decoder->image.scanLine(int(rowNumber)), row);
    ++decoder->rowsDrawn;
}

void onEnd(png_structp png, png_infop)
{
    decoderOf(png)->state = ProgressivePng::State::Complete;
}

// The only setjmp: returns 0 when libpng failed while processing `data`.
int processSlice(png_structp png, png_infop info, png_bytep data, size_t size)
{
    if (setjmp(png_jmpbuf(png)))
        return 0;
    png_process_data(png, info, data, size);
    return 1;
}

} // namespace

ProgressivePng::ProgressivePng() : m_decoder(std::make_unique<Decoder>())
{
    Decoder &d = *m_decoder;
    d.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &d, onError, onWarning);
    if (d.png)
        d.info = png_create_info_struct(d.png);
    if (!d.png || !d.info) {
        d.state = State::Failed;
        qstrncpy(d.error, "libpng could not be initialised", sizeof d.error);
        return;
    }
    png_set_user_limits(d.png, kMaxSide, kMaxSide);
    png_set_progressive_read_fn(d.png, &d, onInfo, onRow, onEnd);
}

ProgressivePng::~ProgressivePng()
{
    if (m_decoder->png)
        png_destroy_read_struct(&m_decoder->png, &m_decoder->info, nullptr);
}

bool ProgressivePng::feed(QByteArrayView bytes)
{
    Decoder &d = *m_decoder;
    if (d.state == State::Failed)
        return false;
    if (d.state == State::Complete || bytes.isEmpty())
        return true;
    auto *data = reinterpret_cast<png_bytep>(const_cast<char *>(bytes.data()));
    if (!processSlice(d.png, d.info, data, size_t(bytes.size())))
        d.state = State::Failed;
    return d.state != State::Failed;
}

ProgressivePng::State ProgressivePng::state() const
{
    return m_decoder->state;
}

QString ProgressivePng::errorString() const
{
    return QString::fromLatin1(m_decoder->error);
}

const QImage &ProgressivePng::image() const
{
    return m_decoder->image;
}

qint64 ProgressivePng::rowsDrawn() const
{
    return m_decoder->rowsDrawn;
}

bool ProgressivePng::isInterlaced() const
{
    return m_decoder->isInterlaced;
}

bool ProgressivePng::hasSignature(QByteArrayView bytes)
{
    static constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
    return bytes.startsWith(QByteArrayView(kSignature, 8));
}
