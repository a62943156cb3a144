// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QHash>
#include <QList>
#include <QWidget>

#include <map>

// A range lane's map: one horizontal bar over the resource's bytes with every arrived byte
// range painted where it belongs, one hue per segment, brighter the later it arrived, and a
// line "X of Y MiB, N segments" under it. Plain data in (byte offsets, times); paints only what
// it holds. The resource size is the HEAD's size when known, else the largest end seen.
class RangeMapView : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangeMapView)
public:
    static constexpr int kBarHeightPx = 28;
    static constexpr int kMarginPx = 6;
    // Above this many pieces, a piece that continues its segment's previous one is merged into
    // it (it takes the later time), so memory and paint time stay bounded.
    static constexpr int kCoalesceAbovePieces = 4096;

    explicit RangeMapView(QWidget *parent = nullptr);
    ~RangeMapView() override;

    void clear();
    // Size of the resource in bytes (0: unknown).
    void setResourceSize(qint64 bytes);
    // Bytes [start, end] (inclusive offsets) of `segment` arrived at `tNs`.
    void addRange(qint64 start, qint64 end, int segment, qint64 tNs);

    qint64 resourceSize() const;
    // Distinct bytes arrived (overlaps counted once).
    qint64 coveredBytes() const { return m_coveredBytes; }
    int segmentCount() const { return int(m_segmentLast.size()); }
    // "X of Y MiB, N segments".
    QString summary() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Piece
    {
        qint64 start = 0;
        qint64 end = 0; // inclusive
        int segment = 0;
        qint64 tNs = 0;
    };

    void cover(qint64 start, qint64 end);
    QColor colorOf(const Piece &piece) const;

    QList<Piece> m_pieces;
    QHash<int, int> m_segmentLast; // segment → index of its latest piece
    std::map<qint64, qint64> m_covered; // disjoint, non-adjacent: start → inclusive end
    qint64 m_coveredBytes = 0;
    qint64 m_headSize = 0;
    qint64 m_maxEnd = -1;
    qint64 m_firstNs = 0;
    qint64 m_lastNs = 0;
};
