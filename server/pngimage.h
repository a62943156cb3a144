// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QImage>
#include <QtGlobal>

// The picture the image endpoint serves, drawn by the project itself, and the encoder that
// turns it into an Adam7-interlaced PNG, which Qt's own PNG writer cannot produce. Interlacing
// is the point: a browser that receives the file slowly draws a coarse full-frame preview from
// the first pass and sharpens it as later passes arrive.
//
// Every function here is reentrant and needs no QGuiApplication (QImage is used only as a pixel
// buffer), so it may run on the server thread.
namespace pngimage {

// Largest side drawSampleImage() draws; it keeps the scene's integer arithmetic far from
// overflow.
constexpr int kMaxSampleSide = 8192;

// Draws the sample picture, a night "pixel city" skyline with a "StreamLab" neon sign, at
// width × height pixels (each clamped to 1..kMaxSampleSide) in Format_RGB888. Uses integer
// arithmetic and a fixed seed only, so the pixels are identical on every run and every machine.
// The grain is tuned so that the default size encodes to roughly 250–450 KB.
QImage drawSampleImage(int width = 720, int height = 480);

// Encodes `image` (converted to RGB888; alpha is dropped) as an 8-bit truecolour PNG with
// Adam7 interlacing: signature, IHDR, IDAT chunks of at most 64 KiB, IEND. Each row of each
// pass gets the filter with the smallest sum of absolute signed bytes (ties go to the lower
// filter type). Returns an empty array for a null image. The deflate stream comes from the
// zlib behind qCompress, so the bytes are stable for one zlib build, not across all of them.
QByteArray encodeAdam7Png(const QImage &image);

// encodeAdam7Png(drawSampleImage()), computed on first use and cached for the life of the
// process. Thread-safe.
const QByteArray &samplePng();

// The CRC-32 of ISO 3309 / ITU-T V.42 that PNG chunks carry (reflected polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF). For a chunk it covers the type and the data.
quint32 crc32(QByteArrayView bytes);

} // namespace pngimage
