// SPDX-License-Identifier: GPL-3.0-only
#include "pngimage.h"

#include <QtEndian>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

struct Rgb
{
    int r = 0;
    int g = 0;
    int b = 0;
};

// `from` moved towards `to` by amount / scale. Integer division truncates the same way on
// every compiler, which floating point with its contraction and precision options does not
// promise; the sample must be byte-identical everywhere.
Rgb mixed(Rgb from, Rgb to, int amount, int scale)
{
    return {from.r + (to.r - from.r) * amount / scale, from.g + (to.g - from.g) * amount / scale,
            from.b + (to.b - from.b) * amount / scale};
}

Rgb shifted(Rgb colour, int delta)
{
    return {colour.r + delta, colour.g + delta, colour.b + delta};
}

// SplitMix64. The <random> distributions are implementation-defined, so they would give a
// different city with each standard library.
class Rng
{
public:
    explicit Rng(quint64 seed) : m_state(seed) {}

    quint32 next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        quint64 z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return quint32((z ^ (z >> 31)) >> 32);
    }
    // Inclusive on both ends; low <= high.
    int between(int low, int high) { return low + int(next() % quint32(high - low + 1)); }
    bool chance(int percent) { return int(next() % 100) < percent; }

private:
    quint64 m_state;
};

// Clipped pixel access to an RGB888 QImage, so the scene code never checks bounds itself.
class Canvas
{
public:
    explicit Canvas(QImage &image)
        : m_bits(image.bits()), m_stride(image.bytesPerLine()), m_width(image.width()),
          m_height(image.height())
    {
    }

    int width() const { return m_width; }
    int height() const { return m_height; }

    void set(int x, int y, Rgb colour)
    {
        if (!contains(x, y))
            return;
        uchar *p = pixel(x, y);
        p[0] = uchar(std::clamp(colour.r, 0, 255));
        p[1] = uchar(std::clamp(colour.g, 0, 255));
        p[2] = uchar(std::clamp(colour.b, 0, 255));
    }
    // alpha is 0 (keep) to 256 (replace).
    void mix(int x, int y, Rgb colour, int alpha)
    {
        if (contains(x, y))
            set(x, y, mixed(at(x, y), colour, alpha, 256));
    }
    // Additive light, for glows: alpha 256 adds `colour` in full.
    void add(int x, int y, Rgb colour, int alpha)
    {
        if (!contains(x, y))
            return;
        const Rgb p = at(x, y);
        set(x, y,
            {p.r + colour.r * alpha / 256, p.g + colour.g * alpha / 256,
             p.b + colour.b * alpha / 256});
    }
    void fill(int left, int top, int w, int h, Rgb colour)
    {
        const int right = std::min(left + w, m_width);
        const int bottom = std::min(top + h, m_height);
        for (int y = std::max(top, 0); y < bottom; ++y) {
            for (int x = std::max(left, 0); x < right; ++x)
                set(x, y, colour);
        }
    }
    Rgb at(int x, int y) const
    {
        const uchar *p = pixel(x, y);
        return {p[0], p[1], p[2]};
    }

private:
    bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < m_width && y < m_height; }
    uchar *pixel(int x, int y) const { return m_bits + qsizetype(y) * m_stride + 3 * x; }

    uchar *m_bits = nullptr;
    qsizetype m_stride = 0;
    int m_width = 0;
    int m_height = 0;
};

constexpr quint64 kSeed = 0x5374'7265'616D'4C61ULL; // "StreamLa"
// Luminance grain added to every pixel, ± this many levels. It is what makes the file a few
// hundred KB: the clean drawing alone deflates to a few tens of KB, too quick to watch arrive.
constexpr int kGrain = 3;

// Where things go, derived from the image size so any size gives a sensible picture.
struct Layout
{
    int width = 0;
    int height = 0;
    int unit = 1;      // one "city pixel" in image pixels
    int ground = 0;    // first row of the street
    int signScale = 1; // image pixels per cell of the sign's 5×7 letters
};

Layout layoutFor(int width, int height)
{
    Layout layout;
    layout.width = width;
    layout.height = height;
    layout.unit = std::max(1, height / 240);
    layout.ground = height - std::max(2, height / 16);
    layout.signScale = std::max(1, std::min(width / 144, height / 96));
    return layout;
}

void drawSky(Canvas &canvas, const Layout &layout)
{
    constexpr Rgb kZenith{6, 8, 30};
    constexpr Rgb kMiddle{26, 28, 78};
    constexpr Rgb kHorizon{96, 58, 104}; // city light scattered by haze
    const int middle = std::max(1, layout.ground * 55 / 100);
    for (int y = 0; y < canvas.height(); ++y) {
        Rgb colour = kHorizon;
        if (y < middle)
            colour = mixed(kZenith, kMiddle, y, middle);
        else if (y < layout.ground)
            colour = mixed(kMiddle, kHorizon, y - middle, std::max(1, layout.ground - middle));
        canvas.fill(0, y, canvas.width(), 1, colour);
    }
}

void drawStars(Canvas &canvas, Rng &rng, const Layout &layout)
{
    constexpr int kPixelsPerStar = 700;
    constexpr Rgb kTints[] = {{255, 255, 255}, {200, 220, 255}, {255, 236, 200}};
    const int skyHeight = std::max(1, layout.ground * 3 / 4);
    const int count = layout.width * skyHeight / kPixelsPerStar;
    for (int i = 0; i < count; ++i) {
        const int x = rng.between(0, layout.width - 1);
        const int y = rng.between(0, skyHeight - 1);
        const Rgb tint = kTints[rng.between(0, 2)];
        // Fainter towards the horizon, where the city's glow drowns them.
        const int brightness = rng.between(90, 256) * (skyHeight - y / 2) / skyHeight;
        canvas.mix(x, y, tint, brightness);
        if (rng.chance(8)) {
            for (const auto &[dx, dy] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}})
                canvas.mix(x + dx, y + dy, tint, brightness / 2);
        }
    }
}

void drawMoonGlow(Canvas &canvas, int cx, int cy, int reach)
{
    constexpr Rgb kGlow{150, 150, 190};
    const int reach2 = reach * reach;
    for (int y = cy - reach; y <= cy + reach; ++y) {
        for (int x = cx - reach; x <= cx + reach; ++x) {
            const int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            if (d2 >= reach2)
                continue;
            const int k = (reach2 - d2) * 256 / reach2;
            canvas.add(x, y, kGlow, k * k / 256 / 3);
        }
    }
}

// Shade of the moon's surface at (dx, dy) from its centre: darker craters and limb.
Rgb moonSurface(int dx, int dy, int radius)
{
    constexpr Rgb kMoon{240, 236, 212};
    struct Crater
    {
        int x;
        int y;
        int r;
    }; // sixteenths of the radius
    constexpr Crater kCraters[] = {{-5, -4, 4}, {4, 3, 5}, {-2, 8, 3}, {7, -6, 2}, {-8, 3, 2}};
    int shade = (dx * dx + dy * dy) * 28 / (radius * radius);
    for (const Crater &c : kCraters) {
        const int ex = 16 * dx - c.x * radius;
        const int ey = 16 * dy - c.y * radius;
        if (ex * ex + ey * ey < c.r * c.r * radius * radius)
            shade += 16;
    }
    return shifted(kMoon, -shade);
}

void drawMoon(Canvas &canvas, const Layout &layout)
{
    constexpr int kSamples = 4; // per axis, for a smooth rim without floating point
    const int cx = layout.width * 80 / 100;
    const int cy = layout.height * 17 / 100;
    const int radius = std::max(2, layout.height / 14);
    drawMoonGlow(canvas, cx, cy, radius * 4);
    const int limit = radius * kSamples * radius * kSamples;
    for (int y = cy - radius; y <= cy + radius; ++y) {
        for (int x = cx - radius; x <= cx + radius; ++x) {
            int covered = 0;
            for (int sy = 0; sy < kSamples; ++sy) {
                for (int sx = 0; sx < kSamples; ++sx) {
                    const int ex = (x - cx) * kSamples + sx - kSamples / 2;
                    const int ey = (y - cy) * kSamples + sy - kSamples / 2;
                    covered += ex * ex + ey * ey < limit ? 1 : 0;
                }
            }
            const Rgb surface = moonSurface(x - cx, y - cy, radius);
            canvas.mix(x, y, surface, covered * 256 / (kSamples * kSamples));
        }
    }
}

// One depth layer of the skyline. Sizes are in city pixels (Layout::unit).
struct LayerStyle
{
    int minHeight = 0; // per mille of the ground line's height
    int maxHeight = 0;
    int minColumns = 0; // building width, in window columns
    int maxColumns = 0;
    int windowWidth = 1;
    int windowHeight = 1;
    int pitchX = 2; // window plus the wall beside it
    int pitchY = 2;
    Rgb wall;
    Rgb unlit;
    int litPercent = 0;
    int lightStrength = 256; // far windows are dimmed by haze: 0..256
};

// Far layers are lighter and bluer (aerial perspective), near ones nearly black.
constexpr LayerStyle kFarLayer{320, 640, 3, 7, 1, 1, 2, 2, {34, 30, 66}, {26, 24, 52}, 22, 150};
constexpr LayerStyle kMidLayer{220, 500, 3, 6, 2, 2, 3, 4, {22, 20, 42}, {15, 14, 30}, 34, 210};
constexpr LayerStyle kNearLayer{100, 300, 2, 5, 2, 3, 4, 5, {12, 11, 20}, {8, 8, 14}, 42, 256};

struct Building
{
    int left = 0;
    int top = 0;
    int width = 0;
};

Rgb windowLight(Rng &rng)
{
    constexpr Rgb kWarm[] = {{255, 214, 130}, {255, 196, 100}, {250, 232, 170}, {255, 172, 92}};
    constexpr Rgb kScreen{160, 205, 255}; // somebody is watching television
    return rng.chance(10) ? kScreen : kWarm[rng.between(0, 3)];
}

void drawWindows(Canvas &canvas, Rng &rng, const LayerStyle &style, const Building &building,
                 const Layout &layout)
{
    const int u = layout.unit;
    const int gapX = (style.pitchX - style.windowWidth) * u;
    const int firstY = building.top + (style.pitchY - style.windowHeight + 1) * u;
    const int lastY = layout.ground - 2 * u - style.windowHeight * u;
    const int lastX = building.left + building.width - gapX - style.windowWidth * u;
    const int litPercent = std::clamp(style.litPercent + rng.between(-15, 15), 5, 90);
    for (int y = firstY; y <= lastY; y += style.pitchY * u) {
        const bool isFloorDark = rng.chance(15);
        for (int x = building.left + gapX; x <= lastX; x += style.pitchX * u) {
            Rgb colour = style.unlit;
            if (!isFloorDark && rng.chance(litPercent))
                colour = mixed(style.wall, windowLight(rng), style.lightStrength, 256);
            canvas.fill(x, y, style.windowWidth * u, style.windowHeight * u, colour);
        }
    }
}

void drawRoof(Canvas &canvas, Rng &rng, Rgb wall, const Building &building, const Layout &layout)
{
    constexpr Rgb kBeacon{255, 60, 60}; // aircraft warning light
    const int u = layout.unit;
    const int x = building.left + rng.between(1, std::max(1, building.width / u - 4)) * u;
    switch (rng.between(0, 5)) {
    case 0: { // antenna
        const int mast = rng.between(6, 14) * u;
        canvas.fill(x, building.top - mast, u, mast, wall);
        canvas.fill(x - u / 2, building.top - mast - u, 2 * u - u / 2, u, kBeacon);
        break;
    }
    case 1: // water tank on legs
        canvas.fill(x, building.top - 2 * u, u, 2 * u, wall);
        canvas.fill(x + 2 * u, building.top - 2 * u, u, 2 * u, wall);
        canvas.fill(x - u, building.top - 6 * u, 5 * u, 4 * u, shifted(wall, 6));
        break;
    case 2: { // a narrower storey on top
        const int step = rng.between(3, 6) * u;
        canvas.fill(building.left + building.width / 4, building.top - step, building.width / 2,
                    step, wall);
        break;
    }
    case 3: // parapet ledge
        canvas.fill(building.left - u, building.top - u, building.width + 2 * u, u,
                    shifted(wall, 10));
        break;
    default:
        break; // a flat roof
    }
}

void drawBuilding(Canvas &canvas, Rng &rng, const LayerStyle &style, const Building &building,
                  const Layout &layout)
{
    const Rgb wall = shifted(style.wall, rng.between(-4, 4));
    canvas.fill(building.left, building.top, building.width, layout.ground - building.top, wall);
    // The moonlit side (the moon is to the right) is a shade lighter.
    canvas.fill(building.left + building.width - layout.unit, building.top, layout.unit,
                layout.ground - building.top, shifted(wall, 7));
    drawWindows(canvas, rng, style, building, layout);
    drawRoof(canvas, rng, wall, building, layout);
}

void drawLayer(Canvas &canvas, Rng &rng, const LayerStyle &style, const Layout &layout)
{
    const int u = layout.unit;
    int left = -rng.between(0, 20) * u;
    while (left < layout.width) {
        const int columns = rng.between(style.minColumns, style.maxColumns);
        Building building;
        building.left = left;
        building.width = (columns * style.pitchX + style.pitchX - style.windowWidth) * u;
        const int height = layout.ground * rng.between(style.minHeight, style.maxHeight) / 1000;
        building.top = layout.ground - height;
        drawBuilding(canvas, rng, style, building, layout);
        left += building.width + rng.between(-2, 5) * u;
    }
}

// ---------------------------------------------------------------------------------------------
// The neon sign
// ---------------------------------------------------------------------------------------------

constexpr int kGlyphColumns = 5;
constexpr int kGlyphRows = 7;
constexpr char kSignText[] = "StreamLab";

struct Glyph
{
    char letter;
    const char *rows[kGlyphRows];
};

constexpr Glyph kFont[] = {
    {'S', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
    {'t', {".#...", ".#...", "####.", ".#...", ".#...", ".#..#", "..##."}},
    {'r', {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."}},
    {'e', {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}},
    {'a', {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}},
    {'m', {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#.#.#", "#.#.#"}},
    {'L', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
    {'b', {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "####."}},
};

const Glyph *glyphFor(char letter)
{
    for (const Glyph &glyph : kFont) {
        if (glyph.letter == letter)
            return &glyph;
    }
    return nullptr;
}

// The lit pixels of a text line, one byte per pixel, `scale` pixels per font cell.
struct Mask
{
    int width = 0;
    int height = 0;
    std::vector<uchar> lit;

    bool isLit(int x, int y) const
    {
        return x >= 0 && y >= 0 && x < width && y < height && lit[size_t(y * width + x)] != 0;
    }
};

Mask textMask(const char *text, int scale)
{
    const int letters = int(std::strlen(text));
    Mask mask;
    mask.width = (letters * (kGlyphColumns + 1) - 1) * scale;
    mask.height = kGlyphRows * scale;
    mask.lit.assign(size_t(mask.width * mask.height), 0);
    for (int i = 0; i < letters; ++i) {
        const Glyph *glyph = glyphFor(text[i]);
        for (int row = 0; glyph && row < kGlyphRows; ++row) {
            for (int column = 0; column < kGlyphColumns; ++column) {
                if (glyph->rows[row][column] != '#')
                    continue;
                const int left = (i * (kGlyphColumns + 1) + column) * scale;
                for (int y = row * scale; y < (row + 1) * scale; ++y)
                    std::fill_n(mask.lit.begin() + y * mask.width + left, scale, uchar(1));
            }
        }
    }
    return mask;
}

// A soft halo: each pixel takes the share of lit mask pixels in the square around it, counted
// with a summed-area table so the cost does not grow with the radius.
void drawGlow(Canvas &canvas, const Mask &mask, int left, int top, int radius, Rgb colour)
{
    const int w = mask.width + 1;
    std::vector<int> sums(size_t(w * (mask.height + 1)), 0);
    for (int y = 0; y < mask.height; ++y) {
        for (int x = 0; x < mask.width; ++x) {
            sums[size_t((y + 1) * w + x + 1)]
                = mask.lit[size_t(y * mask.width + x)] + sums[size_t(y * w + x + 1)]
                  + sums[size_t((y + 1) * w + x)] - sums[size_t(y * w + x)];
        }
    }
    const auto sumAt = [&](int x, int y) {
        return sums[size_t(std::clamp(y, 0, mask.height) * w + std::clamp(x, 0, mask.width))];
    };
    const int area = (2 * radius + 1) * (2 * radius + 1);
    for (int y = -radius; y < mask.height + radius; ++y) {
        for (int x = -radius; x < mask.width + radius; ++x) {
            const int lit = sumAt(x + radius + 1, y + radius + 1)
                            - sumAt(x - radius, y + radius + 1) - sumAt(x + radius + 1, y - radius)
                            + sumAt(x - radius, y - radius);
            canvas.mix(left + x, top + y, colour, std::min(170, lit * 320 / area));
        }
    }
}

// Neon tubes: a coloured rim around a nearly white core.
void drawTubes(Canvas &canvas, const Mask &mask, int left, int top)
{
    constexpr Rgb kRim{255, 70, 180};
    constexpr Rgb kCore{255, 205, 240};
    for (int y = 0; y < mask.height; ++y) {
        for (int x = 0; x < mask.width; ++x) {
            if (!mask.isLit(x, y))
                continue;
            const bool isCore = mask.isLit(x - 1, y) && mask.isLit(x + 1, y) && mask.isLit(x, y - 1)
                                && mask.isLit(x, y + 1);
            canvas.set(left + x, top + y, isCore ? kCore : kRim);
        }
    }
}

// A billboard on its own building, drawn between the middle and the near layer.
void drawBillboard(Canvas &canvas, Rng &rng, const Layout &layout)
{
    constexpr Rgb kFrame{74, 70, 90};
    constexpr Rgb kPanel{18, 14, 30};
    constexpr Rgb kGlow{255, 50, 170};
    const int s = layout.signScale;
    const Mask mask = textMask(kSignText, s);
    const int pad = 2 * s;
    const int panelWidth = mask.width + 2 * pad;
    const int panelHeight = mask.height + 2 * pad;
    const int panelLeft = std::max(4 * layout.unit, layout.width / 20);
    const int roof = layout.ground - layout.ground * 56 / 100;
    const int panelTop = roof - 3 * s - panelHeight;

    const LayerStyle &style = kMidLayer;
    const int columns = std::max(1, panelWidth * 2 / 3 / (style.pitchX * layout.unit));
    const int buildingWidth
        = (columns * style.pitchX + style.pitchX - style.windowWidth) * layout.unit;
    drawBuilding(canvas, rng, style,
                 {panelLeft + (panelWidth - buildingWidth) / 2, roof, buildingWidth}, layout);
    for (const int leg : {panelLeft + panelWidth / 4, panelLeft + panelWidth * 3 / 4})
        canvas.fill(leg, panelTop + panelHeight, s, roof - panelTop - panelHeight, kFrame);
    canvas.fill(panelLeft, panelTop, panelWidth, panelHeight, kFrame);
    canvas.fill(panelLeft + s / 2 + 1, panelTop + s / 2 + 1, panelWidth - s - 2,
                panelHeight - s - 2, kPanel);
    drawGlow(canvas, mask, panelLeft + pad, panelTop + pad, s * 2, kGlow);
    drawTubes(canvas, mask, panelLeft + pad, panelTop + pad);
}

// ---------------------------------------------------------------------------------------------
// Street and grain
// ---------------------------------------------------------------------------------------------

void drawLamp(Canvas &canvas, int x, const Layout &layout)
{
    constexpr Rgb kPole{40, 38, 48};
    constexpr Rgb kBulb{255, 226, 160};
    constexpr Rgb kLight{255, 180, 100};
    const int u = layout.unit;
    const int headY = layout.ground - 14 * u;
    canvas.fill(x, headY, u, 14 * u, kPole);
    canvas.fill(x - u, headY, 3 * u, u, kBulb);
    const int reach = 12 * u;
    for (int y = headY - reach; y <= headY + reach * 2; ++y) {
        for (int dx = -reach; dx <= reach; ++dx) {
            const int dy = (y - headY) / 2; // an ellipse, stretched downwards onto the street
            const int d2 = dx * dx + dy * dy;
            if (d2 < reach * reach)
                canvas.add(x + dx, y, kLight, (reach * reach - d2) * 70 / (reach * reach));
        }
    }
}

void drawStreet(Canvas &canvas, const Layout &layout)
{
    constexpr Rgb kAsphalt{22, 20, 28};
    constexpr Rgb kKerb{52, 48, 60};
    constexpr Rgb kMarking{150, 132, 74};
    const int u = layout.unit;
    canvas.fill(0, layout.ground, layout.width, layout.height - layout.ground, kAsphalt);
    canvas.fill(0, layout.ground, layout.width, u, kKerb);
    const int lineY = (layout.ground + layout.height) / 2;
    for (int x = 3 * u; x < layout.width; x += 14 * u)
        canvas.fill(x, lineY, 8 * u, std::max(1, u / 2), kMarking);
    for (int x = 30 * u; x < layout.width; x += 70 * u)
        drawLamp(canvas, x, layout);
}

void addGrain(Canvas &canvas, Rng &rng)
{
    for (int y = 0; y < canvas.height(); ++y) {
        for (int x = 0; x < canvas.width(); ++x)
            canvas.set(x, y, shifted(canvas.at(x, y), rng.between(-kGrain, kGrain)));
    }
}

// ---------------------------------------------------------------------------------------------
// PNG encoding
// ---------------------------------------------------------------------------------------------

constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
constexpr int kBytesPerPixel = 3; // RGB, 8 bits per sample
constexpr int kFilterCount = 5;   // None, Sub, Up, Average, Paeth
constexpr qsizetype kMaxIdatBytes = 64 * 1024;
constexpr qsizetype kQCompressPrefix = 4; // qCompress's big-endian length before the zlib stream

struct Pass
{
    int xStart;
    int yStart;
    int xStep;
    int yStep;
};

// PNG spec, section 8.2: where each of the seven passes samples the image.
constexpr Pass kAdam7[] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                           {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

int passExtent(int size, int start, int step)
{
    return size > start ? (size - start + step - 1) / step : 0;
}

constexpr std::array<quint32, 256> makeCrcTable()
{
    std::array<quint32, 256> table{};
    for (quint32 n = 0; n < 256; ++n) {
        quint32 c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

constexpr std::array<quint32, 256> kCrcTable = makeCrcTable();

int paeth(int a, int b, int c)
{
    const int p = a + b - c;
    const int pa = std::abs(p - a);
    const int pb = std::abs(p - b);
    const int pc = std::abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

// A filtered byte read as signed, as the heuristic wants: 255 is -1, a small residual.
int magnitude(uchar value)
{
    return value < 128 ? value : 256 - value;
}

// Appends the filter-type byte and the filtered bytes of one row of a pass. All five filters
// are computed in one sweep; the one with the smallest sum of absolute signed bytes wins
// (PNG spec, section 12.8), the lowest type on a tie. `candidates` is scratch space.
void appendFilteredRow(const std::vector<uchar> &row, const std::vector<uchar> &previous,
                       std::vector<uchar> &candidates, QByteArray &out)
{
    const size_t length = row.size();
    candidates.resize(length * kFilterCount);
    std::array<qint64, kFilterCount> costs{};
    for (size_t i = 0; i < length; ++i) {
        const int x = row[i];
        const int a = i >= kBytesPerPixel ? row[i - kBytesPerPixel] : 0;
        const int b = previous[i];
        const int c = i >= kBytesPerPixel ? previous[i - kBytesPerPixel] : 0;
        const std::array<int, kFilterCount> predictions{0, a, b, (a + b) / 2, paeth(a, b, c)};
        for (int type = 0; type < kFilterCount; ++type) {
            const uchar filtered = uchar(x - predictions[size_t(type)]);
            candidates[size_t(type) * length + i] = filtered;
            costs[size_t(type)] += magnitude(filtered);
        }
    }
    const auto best = size_t(std::min_element(costs.begin(), costs.end()) - costs.begin());
    out.append(char(best));
    out.append(reinterpret_cast<const char *>(candidates.data() + best * length),
               qsizetype(length));
}

// The filtered scanlines of one pass. An empty pass contributes nothing, not even filter bytes.
void appendPass(const QImage &rgb, const Pass &pass, QByteArray &out)
{
    const int width = passExtent(rgb.width(), pass.xStart, pass.xStep);
    const int height = passExtent(rgb.height(), pass.yStart, pass.yStep);
    if (width == 0 || height == 0)
        return;
    std::vector<uchar> row(size_t(width) * kBytesPerPixel);
    std::vector<uchar> previous(row.size(), 0); // the row above a pass's first row is all zero
    std::vector<uchar> candidates;
    for (int r = 0; r < height; ++r) {
        const uchar *source = rgb.constScanLine(pass.yStart + r * pass.yStep);
        for (int i = 0; i < width; ++i) {
            std::memcpy(row.data() + size_t(i) * kBytesPerPixel,
                        source + size_t(pass.xStart + i * pass.xStep) * kBytesPerPixel,
                        kBytesPerPixel);
        }
        appendFilteredRow(row, previous, candidates, out);
        row.swap(previous);
    }
}

void appendBigEndian32(QByteArray &out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, sizeof bytes);
}

void appendChunk(QByteArray &png, const char (&type)[5], QByteArrayView data)
{
    appendBigEndian32(png, quint32(data.size()));
    const qsizetype typeAt = png.size();
    png.append(type, 4);
    png.append(data);
    appendBigEndian32(png, pngimage::crc32(QByteArrayView(png).sliced(typeAt)));
}

QByteArray headerData(const QImage &rgb)
{
    constexpr char kBitDepth = 8;
    constexpr char kTruecolour = 2;
    constexpr char kDeflate = 0;
    constexpr char kAdaptiveFiltering = 0;
    constexpr char kAdam7Interlace = 1;
    QByteArray data;
    appendBigEndian32(data, quint32(rgb.width()));
    appendBigEndian32(data, quint32(rgb.height()));
    for (const char field : {kBitDepth, kTruecolour, kDeflate, kAdaptiveFiltering, kAdam7Interlace})
        data.append(field);
    return data;
}

} // namespace

namespace pngimage {

QImage drawSampleImage(int width, int height)
{
    QImage image(std::clamp(width, 1, pngimage::kMaxSampleSide),
                 std::clamp(height, 1, pngimage::kMaxSampleSide), QImage::Format_RGB888);
    if (image.isNull())
        return image; // out of memory: nothing to draw on
    Canvas canvas(image);
    Rng rng(kSeed);
    const Layout layout = layoutFor(canvas.width(), canvas.height());
    drawSky(canvas, layout);
    drawStars(canvas, rng, layout);
    drawMoon(canvas, layout);
    drawLayer(canvas, rng, kFarLayer, layout);
    drawLayer(canvas, rng, kMidLayer, layout);
    drawBillboard(canvas, rng, layout);
    drawLayer(canvas, rng, kNearLayer, layout);
    drawStreet(canvas, layout);
    addGrain(canvas, rng);
    return image;
}

QByteArray encodeAdam7Png(const QImage &image)
{
    if (image.isNull())
        return {};
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    QByteArray raw;
    for (const Pass &pass : kAdam7)
        appendPass(rgb, pass, raw);
    const QByteArray compressed = qCompress(raw);
    const QByteArrayView zlibStream = QByteArrayView(compressed).sliced(kQCompressPrefix);

    QByteArray png(kSignature, sizeof kSignature - 1);
    appendChunk(png, "IHDR", headerData(rgb));
    for (qsizetype at = 0; at < zlibStream.size(); at += kMaxIdatBytes)
        appendChunk(png, "IDAT",
                    zlibStream.sliced(at, std::min(kMaxIdatBytes, zlibStream.size() - at)));
    appendChunk(png, "IEND", {});
    return png;
}

const QByteArray &samplePng()
{
    static const QByteArray png = encodeAdam7Png(drawSampleImage());
    return png;
}

quint32 crc32(QByteArrayView bytes)
{
    quint32 c = 0xFFFFFFFFU;
    for (const char byte : bytes)
        c = kCrcTable[(c ^ uchar(byte)) & 0xFFU] ^ (c >> 8);
    return c ^ 0xFFFFFFFFU;
}

} // namespace pngimage
