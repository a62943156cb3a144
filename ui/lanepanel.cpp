// SPDX-License-Identifier: GPL-3.0-only
#include "lanepanel.h"

#include "errorstyle.h"
#include "lanecontentview.h"
#include "laneknobs.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxTimeoutMs = 600'000;

QString headerText(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QStringList lines;
    for (const auto &[name, value] : headers)
        lines += QString::fromLatin1(name) + u": "_s + QString::fromLatin1(value);
    return lines.join(u'\n');
}

} // namespace

LanePanel::LanePanel(const Lane &lane, bool isOpenForm, QWidget *parent)
    : QFrame(parent), m_name(lane.name), m_base(lane.settings), m_isOpenForm(isOpenForm)
{
    setObjectName(m_name); // the window finds a lane's panel by name
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *title = new QLabel(u"<b>%1</b>"_s.arg(m_name.toHtmlEscaped()), this);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long error must not widen the lane: it is cut here and whole in the tooltip.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *head = new QHBoxLayout;
    head->addWidget(title);
    head->addWidget(m_status, 1);
    layout->addLayout(head);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_mode = new QComboBox(this);
    m_mode->addItems(probeModeNames());
    m_mode->setCurrentText(QString(probeModeName(lane.settings.mode)));
    m_mode->setToolTip(u"How the client reads: the technique"_s);
    m_timeout = new QSpinBox(this);
    m_timeout->setRange(0, kMaxTimeoutMs);
    m_timeout->setSingleStep(500);
    m_timeout->setSuffix(u" ms"_s);
    m_timeout->setSpecialValueText(u"none"_s);
    m_timeout->setValue(lane.settings.timeoutMs);
    m_timeout->setToolTip(u"Client inactivity timeout: fails after this long without data"_s);
    auto *modeRow = new QHBoxLayout;
    modeRow->addWidget(m_mode, 1);
    modeRow->addWidget(new QLabel(u"timeout"_s, this));
    modeRow->addWidget(m_timeout);
    form->addRow(u"client"_s, modeRow);

    m_url = new QLineEdit(lane.settings.url.toString(), this);
    m_url->setObjectName(u"url"_s);
    m_url->setToolTip(u"The URL this lane reads; any http(s) or ws(s) server"_s);
    m_url->setMinimumWidth(120);
    form->addRow(u"URL"_s, m_url);
    if (m_isOpenForm) {
        m_method = new QComboBox(this);
        m_method->setEditable(true);
        m_method->addItems({u"GET"_s, u"POST"_s, u"PUT"_s, u"HEAD"_s, u"DELETE"_s});
        m_method->setCurrentText(QString::fromLatin1(lane.settings.method));
        form->addRow(u"method"_s, m_method);
        m_headers = new QPlainTextEdit(headerText(lane.settings.headers), this);
        m_headers->setPlaceholderText(u"Name: value, one per line"_s);
        m_headers->setMaximumHeight(fontMetrics().lineSpacing() * 4);
        form->addRow(u"headers"_s, m_headers);
        m_body = new QLineEdit(QString::fromUtf8(lane.settings.body), this);
        m_body->setPlaceholderText(u"request body (optional)"_s);
        form->addRow(u"body"_s, m_body);
    } else if (!lane.settings.headers.isEmpty()) {
        auto *headers = new QLabel(headerText(lane.settings.headers), this);
        headers->setTextInteractionFlags(Qt::TextSelectableByMouse);
        headers->setToolTip(u"Request headers this lane sends"_s);
        form->addRow(u"headers"_s, headers);
    }
    m_knobRow = new QGridLayout;
    m_knobRow->setContentsMargins(0, 0, 0, 0);
    form->addRow(u"server"_s, m_knobRow);
    layout->addLayout(form);

    m_content = new LaneContentView(this);
    m_content->reset(lane);
    layout->addWidget(m_content, 1);

    connect(m_url, &QLineEdit::editingFinished, this, &LanePanel::onUrlEdited);
    m_typedUrl = m_url->text();
    connect(m_url, &QLineEdit::textEdited, this, [this](const QString &text) {
        const QString before = std::exchange(m_typedUrl, text);
        emit urlTyped(before, text);
    });
    connect(m_mode, &QComboBox::currentTextChanged, this, &LanePanel::onModeChanged);
    connect(m_content, &LaneContentView::sendRequested, this, &LanePanel::sendRequested);
    buildKnobs();
}

LanePanel::~LanePanel() = default;

void LanePanel::buildKnobs()
{
    m_knobs.clear(); // deleted with the row's widgets below
    while (QLayoutItem *item = m_knobRow->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QUrl url(m_url->text());
    const QUrlQuery query(url);
    for (const KnobSpec &spec : knobsOf(url)) {
        const QString key = spec.key;
        auto setValue = [this, key](const QString &value) {
            m_url->setText(withQueryValue(QUrl(m_url->text()), key, value).toString());
        };
        const QString value = query.queryItemValue(key, QUrl::FullyDecoded);
        QWidget *knob = nullptr;
        if (spec.choices.isEmpty()) {
            auto *box = new QSpinBox(this);
            box->setRange(spec.minimum, spec.maximum);
            box->setSuffix(spec.suffix);
            box->setValue(value.toInt());
            box->setAccelerated(true);
            connect(box, &QSpinBox::valueChanged, this,
                    [setValue](int number) { setValue(QString::number(number)); });
            knob = box;
        } else {
            auto *combo = new QComboBox(this);
            combo->addItems(spec.choices);
            combo->setEditable(spec.isOpenChoice);
            if (!spec.choices.contains(value))
                combo->addItem(value);
            combo->setCurrentText(value);
            connect(combo, &QComboBox::currentTextChanged, this, setValue);
            knob = combo;
        }
        knob->setToolTip(spec.toolTip);
        // A few knobs a row, so a lane with many never forces the window wider.
        const int row = int(m_knobs.size()) / kKnobsPerRow;
        const int column = 2 * (int(m_knobs.size()) % kKnobsPerRow);
        m_knobRow->addWidget(new QLabel(spec.label, this), row, column);
        m_knobRow->addWidget(knob, row, column + 1);
        m_knobs.append(knob);
    }
    if (m_knobs.isEmpty())
        m_knobRow->addWidget(new QLabel(u"(no server parameters in the URL)"_s, this), 0, 0);
    m_knobRow->setColumnStretch(2 * kKnobsPerRow, 1);
}

void LanePanel::onUrlEdited()
{
    buildKnobs();
}

QString LanePanel::urlText() const
{
    return m_url->text();
}

void LanePanel::setUrlText(const QString &text)
{
    m_url->setText(text);
    m_typedUrl = text;
    buildKnobs();
}

void LanePanel::onModeChanged()
{
    Lane preview{m_name, m_base, {}};
    if (const std::optional<ProbeMode> mode = probeModeFromName(m_mode->currentText()))
        preview.settings.mode = *mode;
    m_content->reset(preview);
}

Result<Lane> LanePanel::lane() const
{
    using R = Result<Lane>;
    Lane lane{m_name, m_base, {}};
    const Result<QUrl> url = parseProbeUrl(m_url->text());
    if (!url.isOk())
        return R::failure(u"%1 › URL: %2"_s.arg(m_name, url.error()));
    lane.settings.url = url.value();
    lane.settings.mode = probeModeFromName(m_mode->currentText()).value_or(m_base.mode);
    if (const Result<ProbeMode> fits = checkModeForUrl(lane.settings.mode, lane.settings.url);
        !fits.isOk()) {
        return R::failure(u"%1 › client: %2"_s.arg(m_name, fits.error()));
    }
    lane.settings.timeoutMs = m_timeout->value();
    if (m_isOpenForm) {
        const Result<QByteArray> method = parseMethod(m_method->currentText());
        if (!method.isOk())
            return R::failure(u"%1 › method: %2"_s.arg(m_name, method.error()));
        lane.settings.method = method.value();
        lane.settings.headers.clear();
        const QStringList lines = m_headers->toPlainText().split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            const Result<QPair<QByteArray, QByteArray>> header = parseHeaderLine(line);
            if (!header.isOk())
                return R::failure(u"%1 › headers: %2"_s.arg(m_name, header.error()));
            lane.settings.headers.append(header.value());
        }
        lane.settings.body = m_body->text().toUtf8();
    }
    return R::success(lane);
}

void LanePanel::restoreSettings(const ProbeSettings &settings)
{
    if (!settings.url.isValid())
        return;
    m_base = settings;
    m_url->setText(settings.url.toString());
    m_mode->setCurrentText(QString(probeModeName(settings.mode)));
    m_timeout->setValue(settings.timeoutMs);
    if (m_isOpenForm) {
        m_method->setCurrentText(QString::fromLatin1(settings.method));
        m_headers->setPlainText(headerText(settings.headers));
        m_body->setText(QString::fromUtf8(settings.body));
    }
    buildKnobs();
    onModeChanged();
}

void LanePanel::setStatus(const QString &text, bool isError)
{
    m_status->setText(text);
    m_status->setToolTip(text);
    m_status->setStyleSheet(isError ? errorstyle::textSheet(palette()) : QString());
}

QString LanePanel::statusText() const
{
    return m_status->text();
}

void LanePanel::setEditable(bool isEditable)
{
    m_mode->setEnabled(isEditable);
    m_url->setReadOnly(!isEditable);
    m_timeout->setEnabled(isEditable);
    for (QWidget *knob : std::as_const(m_knobs))
        knob->setEnabled(isEditable);
    if (m_isOpenForm) {
        m_method->setEnabled(isEditable);
        m_headers->setReadOnly(!isEditable);
        m_body->setReadOnly(!isEditable);
    }
}
