// SPDX-License-Identifier: GPL-3.0-only
#include "pngimage.h"

#include <QImage>
#include <QRandomGenerator>
#include <QSet>
#include <QtEndian>
#include <QTest>

#include <optional>

class tst_PngImage : public QObject
{
    Q_OBJECT
private slots:
    void crcCheckValues_data();
    void crcCheckValues();
    void chunkStructure_data();
    void chunkStructure();
    void idatSplitsAt64KiB();
    void roundTrip_data();
    void roundTrip();
    void otherFormatsAreConvertedToRgb();
    void nullImageEncodesToNothing();
    void samplePngSizeAndContent();
    void sampleIsDeterministic();
    void sampleImageAtOtherSizes();
    void dataHasAdam7Layout_data();
    void dataHasAdam7Layout();
    void filterChoiceFollowsHeuristic();
};

namespace {

constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
constexpr qsizetype kMaxIdatBytes = 64 * 1024;

struct Chunk
{
    QByteArray type;
    QByteArray data;
    quint32 storedCrc = 0;
};

// The chunks after the signature, or nothing if the file is truncated or has no signature.
std::optional<QList<Chunk>> readChunks(const QByteArray &png)
{
    if (!png.startsWith(QByteArrayView(kSignature, 8)))
        return std::nullopt;
    QList<Chunk> chunks;
    qsizetype at = 8;
    while (at < png.size()) {
        if (png.size() - at < 12)
            return std::nullopt;
        const auto length = qsizetype(qFromBigEndian<quint32>(png.constData() + at));
        if (png.size() - at - 12 < length)
            return std::nullopt;
        Chunk chunk;
        chunk.type = png.mid(at + 4, 4);
        chunk.data = png.mid(at + 8, length);
        chunk.storedCrc = qFromBigEndian<quint32>(png.constData() + at + 8 + length);
        chunks.append(chunk);
        at += 12 + length;
    }
    return chunks;
}

// PNG spec, section 8.2, restated here rather than taken from the encoder.
struct Pass
{
    int xStart;
    int yStart;
    int xStep;
    int yStep;
};
constexpr Pass kAdam7[] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                           {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

int extent(int size, int start, int step)
{
    return size > start ? (size - start + step - 1) / step : 0;
}

// Rows and row length in bytes (filter byte included) of each non-empty pass.
QList<QPair<int, qsizetype>> passRows(const QSize &size)
{
    QList<QPair<int, qsizetype>> passes;
    for (const Pass &pass : kAdam7) {
        const int width = extent(size.width(), pass.xStart, pass.xStep);
        const int height = extent(size.height(), pass.yStart, pass.yStep);
        if (width > 0 && height > 0)
            passes.append({height, 1 + 3 * qsizetype(width)});
    }
    return passes;
}

qsizetype adam7DataSize(const QSize &size)
{
    qsizetype total = 0;
    for (const auto &[rows, rowBytes] : passRows(size))
        total += rows * rowBytes;
    return total;
}

// The filtered scanlines: every IDAT's data joined and inflated. qUncompress wants qCompress's
// 4-byte big-endian size in front; it is only a buffer hint, so the result's size is the
// stream's own.
QByteArray inflatedData(const QByteArray &png, qsizetype sizeHint)
{
    QByteArray zlibStream;
    for (const Chunk &chunk : readChunks(png).value_or(QList<Chunk>())) {
        if (chunk.type == "IDAT")
            zlibStream += chunk.data;
    }
    char prefix[4];
    qToBigEndian(quint32(sizeHint), prefix);
    return qUncompress(QByteArray(prefix, 4) + zlibStream);
}

// The filter-type byte of every row, pass by pass, or nothing if the layout does not match.
std::optional<QList<int>> filterTypes(const QByteArray &inflated, const QSize &size)
{
    QList<int> types;
    qsizetype at = 0;
    for (const auto &[rows, rowBytes] : passRows(size)) {
        for (int row = 0; row < rows; ++row, at += rowBytes) {
            if (at >= inflated.size())
                return std::nullopt;
            types.append(uchar(inflated.at(at)));
        }
    }
    if (at != inflated.size())
        return std::nullopt;
    return types;
}

QImage randomImage(const QSize &size, quint32 seed)
{
    QRandomGenerator random(seed);
    QImage image(size, QImage::Format_RGB888);
    for (int y = 0; y < size.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int i = 0; i < 3 * size.width(); ++i)
            line[i] = uchar(random.bounded(256));
    }
    return image;
}

// A smooth picture, so the Sub, Up, Average and Paeth filters all get chosen somewhere.
QImage gradientImage(const QSize &size)
{
    QImage image(size, QImage::Format_RGB888);
    for (int y = 0; y < size.height(); ++y) {
        for (int x = 0; x < size.width(); ++x)
            image.setPixel(x, y,
                           qRgb(x * 255 / size.width(), y * 255 / size.height(), (x ^ y) & 0xFF));
    }
    return image;
}

QImage decoded(const QByteArray &png)
{
    return QImage::fromData(png, "PNG").convertToFormat(QImage::Format_RGB888);
}

} // namespace

void tst_PngImage::crcCheckValues_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<quint32>("crc");

    QTest::newRow("empty") << QByteArray() << 0x00000000U;
    QTest::newRow("standard_check_value") << QByteArray("123456789") << 0xCBF43926U;
    QTest::newRow("iend_chunk_type") << QByteArray("IEND") << 0xAE426082U;
    QTest::newRow("single_a") << QByteArray("a") << 0xE8B7BE43U;
    QTest::newRow("quick_brown_fox")
        << QByteArray("The quick brown fox jumps over the lazy dog") << 0x414FA339U;
}

void tst_PngImage::crcCheckValues()
{
    QFETCH(QByteArray, bytes);
    QFETCH(quint32, crc);
    QCOMPARE(pngimage::crc32(bytes), crc);
}

void tst_PngImage::chunkStructure_data()
{
    QTest::addColumn<QByteArray>("png");
    QTest::addColumn<QSize>("size");

    QTest::newRow("sample") << pngimage::samplePng() << QSize(720, 480);
    QTest::newRow("one_pixel") << pngimage::encodeAdam7Png(randomImage({1, 1}, 1)) << QSize(1, 1);
    QTest::newRow("odd_33x17") << pngimage::encodeAdam7Png(randomImage({33, 17}, 2))
                               << QSize(33, 17);
}

void tst_PngImage::chunkStructure()
{
    QFETCH(QByteArray, png);
    QFETCH(QSize, size);

    QVERIFY(png.startsWith(QByteArrayView(kSignature, 8)));
    const std::optional<QList<Chunk>> chunks = readChunks(png);
    QVERIFY2(chunks, "truncated chunk");
    QVERIFY(chunks->size() >= 3);

    const Chunk &header = chunks->first();
    QCOMPARE(header.type, QByteArray("IHDR"));
    QCOMPARE(header.data.size(), 13);
    QCOMPARE(qFromBigEndian<quint32>(header.data.constData()), quint32(size.width()));
    QCOMPARE(qFromBigEndian<quint32>(header.data.constData() + 4), quint32(size.height()));
    QCOMPARE(int(header.data.at(8)), 8);  // bit depth
    QCOMPARE(int(header.data.at(9)), 2);  // truecolour
    QCOMPARE(int(header.data.at(10)), 0); // deflate
    QCOMPARE(int(header.data.at(11)), 0); // adaptive filtering
    QCOMPARE(int(header.data.at(12)), 1); // Adam7

    QCOMPARE(chunks->last().type, QByteArray("IEND"));
    QVERIFY(chunks->last().data.isEmpty());
    for (qsizetype i = 1; i + 1 < chunks->size(); ++i)
        QCOMPARE(chunks->at(i).type, QByteArray("IDAT"));
    for (const Chunk &chunk : *chunks)
        QCOMPARE(chunk.storedCrc, pngimage::crc32(QByteArray(chunk.type + chunk.data)));
}

void tst_PngImage::idatSplitsAt64KiB()
{
    QList<qsizetype> idatSizes;
    for (const Chunk &chunk : readChunks(pngimage::samplePng()).value_or(QList<Chunk>())) {
        if (chunk.type == "IDAT")
            idatSizes.append(chunk.data.size());
    }
    QVERIFY2(idatSizes.size() > 1, "the sample is larger than one IDAT may be");
    for (qsizetype i = 0; i + 1 < idatSizes.size(); ++i)
        QCOMPARE(idatSizes.at(i), kMaxIdatBytes);
    QVERIFY(idatSizes.last() > 0);
    QVERIFY(idatSizes.last() <= kMaxIdatBytes);
}

void tst_PngImage::roundTrip_data()
{
    QTest::addColumn<QImage>("image");

    // Small sizes leave some of the seven passes without columns or rows.
    for (const QSize size : {QSize(1, 1), QSize(2, 3), QSize(3, 1), QSize(1, 5), QSize(5, 2),
                             QSize(7, 7), QSize(8, 8), QSize(9, 13), QSize(33, 17)}) {
        const QByteArray name
            = QByteArray::number(size.width()) + 'x' + QByteArray::number(size.height());
        QTest::newRow(name.constData())
            << randomImage(size, quint32(size.width() * 100 + size.height()));
    }
    QTest::newRow("random_content_301x203") << randomImage({301, 203}, 42);
    QTest::newRow("gradient_130x97") << gradientImage({130, 97});
    QTest::newRow("sample_skyline") << pngimage::drawSampleImage();
}

void tst_PngImage::roundTrip()
{
    QFETCH(QImage, image);

    const QByteArray png = pngimage::encodeAdam7Png(image);
    const QImage back = decoded(png);
    QVERIFY2(!back.isNull(), "Qt's PNG reader rejected the file");
    QCOMPARE(back.size(), image.size());
    QCOMPARE(back, image);
}

void tst_PngImage::otherFormatsAreConvertedToRgb()
{
    QImage argb(17, 11, QImage::Format_ARGB32);
    argb.fill(qRgba(10, 200, 30, 255));
    argb.setPixel(3, 4, qRgba(250, 1, 128, 255));
    QCOMPARE(decoded(pngimage::encodeAdam7Png(argb)), argb.convertToFormat(QImage::Format_RGB888));

    const QImage grey = gradientImage({19, 23}).convertToFormat(QImage::Format_Grayscale8);
    QCOMPARE(decoded(pngimage::encodeAdam7Png(grey)), grey.convertToFormat(QImage::Format_RGB888));
}

void tst_PngImage::nullImageEncodesToNothing()
{
    QVERIFY(pngimage::encodeAdam7Png(QImage()).isEmpty());
}

void tst_PngImage::samplePngSizeAndContent()
{
    const QByteArray &png = pngimage::samplePng();
    QVERIFY2(png.size() >= 200 * 1000 && png.size() <= 500 * 1000,
             QByteArray::number(png.size()).constData());
    QCOMPARE(&pngimage::samplePng(), &png); // cached, not re-encoded

    const QImage image = decoded(png);
    QCOMPARE(image.size(), QSize(720, 480));
    QCOMPARE(image, pngimage::drawSampleImage());
}

void tst_PngImage::sampleIsDeterministic()
{
    const QImage first = pngimage::drawSampleImage();
    const QImage second = pngimage::drawSampleImage();
    QCOMPARE(first.format(), QImage::Format_RGB888);
    QCOMPARE(first, second);
    QCOMPARE(pngimage::encodeAdam7Png(first), pngimage::encodeAdam7Png(second));
    QCOMPARE(pngimage::encodeAdam7Png(first), pngimage::samplePng());
    // A picture, not a flat fill: the sky alone spans many shades.
    QVERIFY(first.pixel(10, 10) != first.pixel(10, 300));
}

void tst_PngImage::sampleImageAtOtherSizes()
{
    for (const QSize size : {QSize(1, 1), QSize(64, 48), QSize(1280, 200), QSize(100, 900)}) {
        const QImage image = pngimage::drawSampleImage(size.width(), size.height());
        QCOMPARE(image.size(), size);
        QCOMPARE(image.format(), QImage::Format_RGB888);
    }
    QCOMPARE(pngimage::drawSampleImage(0, -5).size(), QSize(1, 1));
    QCOMPARE(pngimage::drawSampleImage(20000, 3).size(), QSize(pngimage::kMaxSampleSide, 3));
}

void tst_PngImage::dataHasAdam7Layout_data()
{
    QTest::addColumn<QByteArray>("png");
    QTest::addColumn<QSize>("size");

    QTest::newRow("sample_720x480") << pngimage::samplePng() << QSize(720, 480);
    QTest::newRow("9x13") << pngimage::encodeAdam7Png(randomImage({9, 13}, 3)) << QSize(9, 13);
    QTest::newRow("33x17") << pngimage::encodeAdam7Png(randomImage({33, 17}, 4)) << QSize(33, 17);
    QTest::newRow("2x3") << pngimage::encodeAdam7Png(randomImage({2, 3}, 5)) << QSize(2, 3);
}

void tst_PngImage::dataHasAdam7Layout()
{
    QFETCH(QByteArray, png);
    QFETCH(QSize, size);

    const qsizetype interlaced = adam7DataSize(size);
    const qsizetype progressive = size.height() * (1 + 3 * qsizetype(size.width()));
    QVERIFY2(interlaced != progressive, "this size cannot tell the two layouts apart");

    const QByteArray inflated = inflatedData(png, interlaced);
    QCOMPARE(inflated.size(), interlaced);
    const std::optional<QList<int>> types = filterTypes(inflated, size);
    QVERIFY(types);
    for (const int type : *types)
        QVERIFY2(type >= 0 && type <= 4, QByteArray::number(type).constData());
}

// On a flat colour the heuristic's choice is known: a pass's first row has zeros above it, so
// Sub (and Paeth, which then predicts the left pixel too) leaves only the first pixel; later
// rows are all zero under Up (and Paeth). Ties go to the lower type: Sub first, then Up.
void tst_PngImage::filterChoiceFollowsHeuristic()
{
    constexpr int kSub = 1;
    constexpr int kUp = 2;
    const QSize size(16, 16); // every pass at least 2 pixels wide and 2 rows high
    QImage flat(size, QImage::Format_RGB888);
    flat.fill(qRgb(200, 100, 50));
    const QByteArray png = pngimage::encodeAdam7Png(flat);
    const std::optional<QList<int>> types
        = filterTypes(inflatedData(png, adam7DataSize(size)), size);
    QVERIFY(types);

    QList<int> expected;
    for (const auto &[rows, rowBytes] : passRows(size)) {
        expected.append(kSub);
        for (int row = 1; row < rows; ++row)
            expected.append(kUp);
    }
    QCOMPARE(*types, expected);

    // On real content the choice varies from row to row.
    const std::optional<QList<int>> sampleTypes
        = filterTypes(inflatedData(pngimage::samplePng(), adam7DataSize({720, 480})), {720, 480});
    QVERIFY(sampleTypes);
    const QSet<int> distinct(sampleTypes->cbegin(), sampleTypes->cend());
    QVERIFY2(distinct.size() >= 3, QByteArray::number(distinct.size()).constData());
}

QTEST_GUILESS_MAIN(tst_PngImage)
#include "tst_pngimage.moc"
