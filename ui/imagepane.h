// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "progressivepng.h"

#include <QByteArray>
#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>

// An image body drawn as its bytes arrive, as a browser draws it: a PNG through
// ProgressivePng (Adam7 passes sharpen a coarse full-frame preview), any other format decoded
// by Qt once the body is complete. Shows the picture scaled down to fit (never up), centred, on
// the palette's base colour, with the caption "first pixel at X ms, complete at Y ms" below.
// Times are whatever the caller passes (the content view: ms since the lane's first Request).
class ImagePane : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImagePane)
public:
    // Bytes kept for the end-of-body fallback decode; beyond this, a non-PNG is not drawn.
    static constexpr qsizetype kMaxKeptBytes = 64 * 1024 * 1024;
    static constexpr int kMarginPx = 6;

    explicit ImagePane(QWidget *parent = nullptr);
    ~ImagePane() override;

    void reset();
    // The next bytes of the body arrived at `ms`.
    void addBytes(const QByteArray &bytes, double ms);
    // The body ended at `ms`: decode a non-PNG (or a PNG libpng could not finish) with Qt.
    void finish(double ms);
    // A line for people shown instead of the caption when there is nothing to draw, e.g. that
    // the recording holds no body bytes.
    void setNote(const QString &note);

    // What is drawn so far: the progressive image, or the fallback decode; null if none.
    QImage image() const;
    QString caption() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    enum class Kind { Undecided, Png, Other };
    static constexpr qsizetype kSignatureBytes = 8;

    std::unique_ptr<ProgressivePng> m_png;
    Kind m_kind = Kind::Undecided;
    QByteArray m_bytes;   // the body so far, for the fallback decode
    QImage m_fallback;
    bool m_isTooLarge = false;
    std::optional<double> m_firstPixelMs;
    std::optional<double> m_completeMs;
    QString m_note;
};
