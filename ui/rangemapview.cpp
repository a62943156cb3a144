// SPDX-License-Identifier: GPL-3.0-only
#include "rangemapview.h"

#include <QPainter>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGoldenRatioConjugate = 0.618033988749895; // spreads segment hues apart
constexpr double kFirstHue = 0.55;
constexpr double kSaturation = 0.65;
constexpr double kEarliestValue = 0.45; // HSV value of the earliest piece; the latest is 0.95
constexpr double kValueSpan = 0.5;

} // namespace

RangeMapView::RangeMapView(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

RangeMapView::~RangeMapView() = default;

void RangeMapView::clear()
{
    m_pieces.clear();
    m_segmentLast.clear();
    m_covered.clear();
    m_coveredBytes = 0;
    m_headSize = 0;
    m_maxEnd = -1;
    m_firstNs = m_lastNs = 0;
    update();
}

void RangeMapView::setResourceSize(qint64 bytes)
{
    m_headSize = qMax<qint64>(0, bytes);
    update();
}

void RangeMapView::addRange(qint64 start, qint64 end, int segment, qint64 tNs)
{
    if (start < 0 || end < start)
        return;
    if (m_pieces.isEmpty())
        m_firstNs = tNs;
    m_lastNs = qMax(m_lastNs, tNs);
    m_maxEnd = qMax(m_maxEnd, end);
    cover(start, end);
    const auto last = m_segmentLast.constFind(segment);
    if (m_pieces.size() > kCoalesceAbovePieces && last != m_segmentLast.cend()) {
        Piece &previous = m_pieces[*last];
        if (previous.end + 1 == start) {
            previous.end = end;
            previous.tNs = tNs;
            update();
            return;
        }
    }
    m_pieces.append({start, end, segment, tNs});
    m_segmentLast.insert(segment, int(m_pieces.size()) - 1);
    update();
}

// Adds [start, end] to the merged set and counts only the bytes not yet covered.
void RangeMapView::cover(qint64 start, qint64 end)
{
    auto it = m_covered.upper_bound(start);
    if (it != m_covered.begin() && std::prev(it)->second + 1 >= start)
        --it;
    while (it != m_covered.end() && it->first <= end + 1) {
        start = qMin(start, it->first);
        end = qMax(end, it->second);
        m_coveredBytes -= it->second - it->first + 1;
        it = m_covered.erase(it);
    }
    m_covered.emplace(start, end);
    m_coveredBytes += end - start + 1;
}

qint64 RangeMapView::resourceSize() const
{
    return m_headSize > 0 ? m_headSize : m_maxEnd + 1;
}

QString RangeMapView::summary() const
{
    return u"%1 of %2 MiB, %3 segments"_s.arg(double(m_coveredBytes) / kMiB, 0, 'f', 2)
            .arg(double(resourceSize()) / kMiB, 0, 'f', 2)
            .arg(segmentCount());
}

QColor RangeMapView::colorOf(const Piece &piece) const
{
    const double hue = std::fmod(kFirstHue + piece.segment * kGoldenRatioConjugate, 1.0);
    const qint64 span = m_lastNs - m_firstNs;
    const double age = span > 0 ? double(piece.tNs - m_firstNs) / double(span) : 1.0;
    return QColor::fromHsvF(float(hue), float(kSaturation),
                            float(kEarliestValue + kValueSpan * age));
}

QSize RangeMapView::sizeHint() const
{
    return {480, minimumSizeHint().height()};
}

QSize RangeMapView::minimumSizeHint() const
{
    return {160, kBarHeightPx + 3 * kMarginPx + fontMetrics().height()};
}

void RangeMapView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QRectF bar(kMarginPx, kMarginPx, width() - 2 * kMarginPx, kBarHeightPx);
    painter.fillRect(bar, palette().color(QPalette::Base));
    const qint64 size = resourceSize();
    if (size > 0) {
        const double pxPerByte = bar.width() / double(size);
        for (const Piece &piece : m_pieces) {
            const double x0 = bar.left() + double(piece.start) * pxPerByte;
            const double x1 = bar.left() + double(piece.end + 1) * pxPerByte;
            // At least one device-independent pixel, so a tiny range stays visible.
            painter.fillRect(QRectF(x0, bar.top(), qMax(1.0, x1 - x0), bar.height()),
                             colorOf(piece));
        }
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(bar.adjusted(-0.5, -0.5, 0.5, 0.5));
    painter.setPen(palette().color(QPalette::WindowText));
    const QRectF textRect(bar.left(), bar.bottom() + kMarginPx, bar.width(),
                          fontMetrics().height());
    painter.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, summary());
}
