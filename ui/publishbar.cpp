// SPDX-License-Identifier: GPL-3.0-only
#include "publishbar.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSpinBox>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

// Auto-publishing never queues more than this many unanswered publishes: a stalled server
// must not make the window pile up requests.
constexpr int kMaxInFlight = 8;

} // namespace

PublishBar::PublishBar(QWidget *parent)
    : QWidget(parent), m_network(new QNetworkAccessManager(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_text = new QLineEdit(u"hello"_s, this);
    m_text->setPlaceholderText(u"message to publish"_s);
    m_event = new QLineEdit(this);
    m_event->setPlaceholderText(u"event type (optional)"_s);
    m_event->setMaximumWidth(160);
    auto *button = new QPushButton(u"Publish"_s, this);
    button->setToolTip(u"POST /publish: every push lane on this topic receives it"_s);
    m_rate = new QSpinBox(this);
    m_rate->setRange(0, kMaxRatePerSecond);
    m_rate->setSuffix(u" /s"_s);
    m_rate->setSpecialValueText(u"off"_s);
    m_rate->setToolTip(u"Auto-publish this many messages per second"_s);
    m_count = new QLabel(this);
    layout->addWidget(new QLabel(u"Publish"_s, this));
    layout->addWidget(m_text, 2);
    layout->addWidget(m_event, 1);
    layout->addWidget(button);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(u"auto"_s, this));
    layout->addWidget(m_rate);
    layout->addWidget(m_count);

    m_auto.setTimerType(Qt::PreciseTimer);
    connect(&m_auto, &QTimer::timeout, this, &PublishBar::onAutoTick);
    connect(button, &QPushButton::clicked, this, [this] { publish(); });
    connect(m_text, &QLineEdit::returnPressed, this, [this] { publish(); });
    connect(m_rate, &QSpinBox::valueChanged, this, &PublishBar::setAutoRate);
}

PublishBar::~PublishBar() = default;

void PublishBar::setTarget(const QUrl &base, const QString &topic)
{
    m_base = base;
    m_topic = topic;
}

void PublishBar::setAutoRate(int perSecond)
{
    if (m_rate->value() != perSecond)
        m_rate->setValue(perSecond); // comes back here through valueChanged
    if (perSecond <= 0) {
        m_auto.stop();
        return;
    }
    m_auto.start(1000 / perSecond);
}

void PublishBar::onAutoTick()
{
    if (m_inFlight >= kMaxInFlight)
        return;
    publish(u"auto %1"_s.arg(++m_autoSeq));
}

void PublishBar::publish(const QString &text)
{
    if (!m_base.isValid()) {
        emit failed(u"Publish: no server to publish to"_s);
        return;
    }
    QUrl url = m_base.resolved(QUrl(u"/publish"_s));
    QUrlQuery query;
    if (!m_topic.isEmpty())
        query.addQueryItem(u"topic"_s, m_topic);
    if (!m_event->text().trimmed().isEmpty())
        query.addQueryItem(u"event"_s, m_event->text().trimmed());
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"text/plain; charset=utf-8"_s);
    const QString message = text.isEmpty() ? m_text->text() : text;
    QNetworkReply *reply = m_network->post(request, message.toUtf8());
    ++m_inFlight;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        --m_inFlight;
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        if (reply->error() != QNetworkReply::NoError || !answer.contains(u"id"_s)) {
            const QString detail = body.isEmpty() ? reply->errorString()
                                                  : QString::fromUtf8(body.left(200)).trimmed();
            emit failed(u"Publish to %1 failed: %2"_s.arg(reply->url().toString(), detail));
            return;
        }
        ++m_published;
        m_count->setText(u"%1 published"_s.arg(m_published));
        emit published(QString::number(answer.value(u"id"_s).toInteger()),
                       answer.value(u"t_server_ns"_s).toInteger());
    });
}
