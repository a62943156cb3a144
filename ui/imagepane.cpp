// SPDX-License-Identifier: GPL-3.0-only
#include "imagepane.h"

#include <QPainter>

using namespace Qt::StringLiterals;

ImagePane::ImagePane(QWidget *parent) : QWidget(parent), m_png(std::make_unique<ProgressivePng>())
{
    setMinimumSize(120, 90);
}

ImagePane::~ImagePane() = default;

void ImagePane::reset()
{
    m_png = std::make_unique<ProgressivePng>();
    m_bytes.clear();
    m_fallback = QImage();
    m_isTooLarge = false;
    m_kind = Kind::Undecided;
    m_firstPixelMs.reset();
    m_completeMs.reset();
    m_note.clear();
    update();
}

void ImagePane::addBytes(const QByteArray &bytes, double ms)
{
    if (bytes.isEmpty())
        return;
    if (m_bytes.size() + bytes.size() <= kMaxKeptBytes)
        m_bytes += bytes;
    else
        m_isTooLarge = true;
    // Only a PNG is decoded as it arrives; anything else waits for finish().
    if (m_kind == Kind::Undecided && m_bytes.size() >= kSignatureBytes) {
        m_kind = ProgressivePng::hasSignature(m_bytes) ? Kind::Png : Kind::Other;
        if (m_kind == Kind::Png)
            m_png->feed(m_bytes);
    } else if (m_kind == Kind::Png) {
        m_png->feed(bytes);
    }
    if (!m_firstPixelMs && m_png->rowsDrawn() > 0)
        m_firstPixelMs = ms;
    if (!m_completeMs && m_png->state() == ProgressivePng::State::Complete)
        m_completeMs = ms;
    update();
}

void ImagePane::finish(double ms)
{
    if (m_png->state() == ProgressivePng::State::Complete || m_bytes.isEmpty() || m_isTooLarge)
        return;
    m_fallback = QImage::fromData(m_bytes);
    if (!m_fallback.isNull()) {
        m_firstPixelMs = m_firstPixelMs.value_or(ms);
        m_completeMs = ms;
    }
    update();
}

void ImagePane::setNote(const QString &note)
{
    m_note = note;
    update();
}

QImage ImagePane::image() const
{
    return m_fallback.isNull() ? m_png->image() : m_fallback;
}

QString ImagePane::caption() const
{
    if (!m_note.isEmpty() && image().isNull())
        return m_note;
    if (!m_firstPixelMs)
        return m_bytes.isEmpty() ? u"waiting for the image…"_s
                                 : u"%1 bytes, no pixel yet"_s.arg(m_bytes.size());
    QString text = u"first pixel at %1 ms"_s.arg(*m_firstPixelMs, 0, 'f', 1);
    if (m_completeMs)
        text += u", complete at %1 ms"_s.arg(*m_completeMs, 0, 'f', 1);
    if (m_png->isInterlaced())
        text += u" (Adam7 interlaced)"_s;
    if (m_png->state() == ProgressivePng::State::Failed && m_fallback.isNull())
        text += u"; decoding stopped: "_s + m_png->errorString();
    return text;
}

QSize ImagePane::sizeHint() const
{
    return {480, 360};
}

void ImagePane::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const int captionHeight = fontMetrics().height() + kMarginPx;
    const QRect area = rect().adjusted(kMarginPx, kMarginPx, -kMarginPx, -captionHeight);
    painter.fillRect(area, palette().color(QPalette::Base));
    const QImage shown = image();
    if (!shown.isNull() && area.isValid()) {
        QSizeF size = QSizeF(shown.size()) / shown.devicePixelRatio();
        if (size.width() > area.width() || size.height() > area.height())
            size.scale(area.size(), Qt::KeepAspectRatio);
        QRectF target(QPointF(), size);
        target.moveCenter(QRectF(area).center());
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(target, shown);
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(kMarginPx, height() - captionHeight, width() - 2 * kMarginPx,
                           captionHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, caption());
}
