// SPDX-License-Identifier: GPL-3.0-only
#include "lanecontentview.h"

#include "imagepane.h"
#include "progressivepng.h"
#include "rangemapview.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextCursor>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;

namespace {

using Row = EventListModel::Row;
using RowKind = EventListModel::RowKind;
using K = ObservationKind;

constexpr qsizetype kMaxJsonDataChars = 64 * 1024; // larger data is not searched for ids

// A header of a Headers observation, by case-insensitive name; empty if absent.
QString headerValue(const QJsonObject &fields, QStringView name)
{
    const QJsonObject headers = fields.value(u"headers"_s).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value().toString();
    }
    return {};
}

// `data` as a JSON object when it is one (hub messages, ticks: {"seq":1,"t_server_ns":N}).
QJsonObject jsonObjectIn(const QString &data)
{
    if (data.size() > kMaxJsonDataChars || !data.trimmed().startsWith(u'{'))
        return {};
    return QJsonDocument::fromJson(data.toUtf8()).object();
}

QString idText(const QJsonValue &id)
{
    return id.isDouble() ? QString::number(qint64(id.toDouble())) : id.toString();
}

// The observation's own latency: latency_ms, else lag_ms, else from a t_server_ns.
std::optional<double> ownLatencyMs(const Observation &o, const QJsonObject &dataObject)
{
    for (const QString &key : {u"latency_ms"_s, u"lag_ms"_s}) {
        if (o.fields.contains(key))
            return o.fields.value(key).toDouble();
    }
    QJsonValue serverNs = o.fields.value(u"t_server_ns"_s);
    if (serverNs.isUndefined())
        serverNs = dataObject.value(u"t_server_ns"_s);
    if (serverNs.isDouble() && serverNs.toDouble() > 0)
        return double(o.tNs - qint64(serverNs.toDouble())) / 1e6;
    return std::nullopt;
}

Row payloadRow(const Observation &o)
{
    Row row;
    const QJsonObject &f = o.fields;
    if (o.kind == K::Event) {
        row.kind = RowKind::Event;
        row.type = f.value(u"type"_s).toString(u"message"_s);
        row.id = f.value(u"id"_s).toString();
        row.data = f.value(u"data"_s).toString();
    } else {
        const bool isBinary = f.value(u"binary"_s).toBool();
        row.kind = RowKind::Message;
        row.type = isBinary ? u"binary"_s : u"message"_s;
        row.data = f.value(u"data"_s).toString();
        if (isBinary)
            row.data = u"[%1 bytes, base64] "_s.arg(o.bytes) + row.data;
    }
    const QJsonObject dataObject = jsonObjectIn(row.data);
    if (row.id.isEmpty())
        row.id = idText(dataObject.value(u"id"_s));
    row.fallbackLatencyMs = ownLatencyMs(o, dataObject);
    return row;
}

// The table row an observation stands for, if any (reads and requests have none).
std::optional<Row> rowFor(const Observation &o)
{
    const QJsonObject &f = o.fields;
    const auto note = [](RowKind kind, const QString &type, const QString &data) {
        Row row;
        row.kind = kind;
        row.type = type;
        row.data = data;
        return row;
    };
    switch (o.kind) {
    case K::Event:
    case K::Message:
        return payloadRow(o);
    case K::Comment:
        return note(RowKind::Comment, u"comment"_s, f.value(u"text"_s).toString());
    case K::Sent:
        return note(RowKind::Sent, u"sent"_s, f.value(u"data"_s).toString());
    case K::Poll:
        return note(RowKind::Poll, u"poll"_s,
                    u"status %1 · %2 messages · round trip %3 ms"_s
                            .arg(f.value(u"status"_s).toInt())
                            .arg(f.value(u"messages"_s).toInt())
                            .arg(f.value(u"rtt_ms"_s).toDouble(), 0, 'f', 1));
    case K::Reconnect: {
        QString text = u"reconnect in %1 ms · Last-Event-ID: %2"_s.arg(
                f.value(u"delay_ms"_s).toInt()).arg(f.value(u"last_event_id"_s).toString());
        const QString why = f.value(u"error"_s).toString(f.value(u"reason"_s).toString());
        if (!why.isEmpty())
            text += u" · "_s + why;
        Row row = note(RowKind::Separator, u"reconnect"_s, text);
        row.id = f.value(u"last_event_id"_s).toString();
        return row;
    }
    case K::Pong:
        return note(RowKind::Note, u"pong"_s,
                    u"round trip %1 ms"_s.arg(f.value(u"rtt_ms"_s).toDouble(), 0, 'f', 2));
    case K::Close:
        return note(RowKind::Note, u"close"_s,
                    u"%1 %2"_s.arg(f.value(u"code"_s).toInt()).arg(f.value(u"reason"_s).toString()));
    case K::Error:
        return note(RowKind::Note, u"error"_s, f.value(u"message"_s).toString());
    default:
        return std::nullopt;
    }
}

// Splits a Wire observation's escaped `raw` after each escaped LF ("\n"), keeping escapes.
QStringList wireLines(const QString &raw)
{
    QStringList lines;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i + 1 < raw.size(); ++i) {
        if (raw.at(i) != u'\\')
            continue;
        if (raw.at(i + 1) == u'n') {
            lines.append(raw.mid(lineStart, i + 2 - lineStart));
            lineStart = i + 2;
        }
        ++i; // an escape is two characters (\xNN's digits are plain characters)
    }
    if (lineStart < raw.size())
        lines.append(raw.mid(lineStart));
    return lines;
}

QString wireText(const Observation &o, double ms)
{
    QString text = u"[%1 ms] read of %2 bytes\n"_s.arg(ms, 10, 'f', 3).arg(o.bytes);
    for (const QString &line : wireLines(o.fields.value(u"raw"_s).toString()))
        text += u"    "_s + line + u'\n';
    for (const QJsonValue &value : o.fields.value(u"segments"_s).toArray()) {
        const QJsonObject segment = value.toObject();
        text += u"    ↳ %1 (%2 bytes) %3\n"_s.arg(segment.value(u"kind"_s).toString())
                        .arg(qint64(segment.value(u"bytes"_s).toDouble()))
                        .arg(segment.value(u"note"_s).toString());
    }
    return text;
}

// Appends to the end of `edit`, drops the oldest text beyond `maxChars`, and keeps following
// the end if the view was at the end.
void appendBounded(QPlainTextEdit *edit, const QString &text, int maxChars)
{
    if (text.isEmpty())
        return;
    QScrollBar *bar = edit->verticalScrollBar();
    const bool isAtEnd = bar->value() == bar->maximum();
    QTextCursor cursor(edit->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
    const int excess = edit->document()->characterCount() - 1 - maxChars;
    if (excess > 0) {
        cursor.movePosition(QTextCursor::Start);
        cursor.setPosition(excess, QTextCursor::KeepAnchor);
        cursor.removeSelectedText();
    }
    if (isAtEnd)
        bar->setValue(bar->maximum());
}

QPlainTextEdit *readOnlyText(QWidget *parent, bool isMonospace)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setUndoRedoEnabled(false);
    if (isMonospace)
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

} // namespace

LaneContentView::LaneContentView(QWidget *parent) : QWidget(parent)
{
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &LaneContentView::flush);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(buildTextPage());
    m_image = new ImagePane(m_pages);
    m_pages->addWidget(m_image);
    m_pages->addWidget(buildEventsPage());
    m_rangePage = new QWidget(m_pages);
    auto *rangeLayout = new QVBoxLayout(m_rangePage);
    m_rangeMap = new RangeMapView(m_rangePage);
    rangeLayout->addWidget(m_rangeMap);
    rangeLayout->addStretch();
    m_pages->addWidget(m_rangePage);
    m_wire = readOnlyText(m_pages, true);
    m_wire->setObjectName(u"wire"_s);
    m_wire->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_pages->addWidget(m_wire);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    setPresentation(Presentation::Text);
}

LaneContentView::~LaneContentView() = default;

QWidget *LaneContentView::buildTextPage()
{
    auto *splitter = new QSplitter(Qt::Vertical, m_pages);
    m_text = readOnlyText(splitter, false);
    m_text->setObjectName(u"text"_s);
    splitter->addWidget(m_text);
    m_naiveBox = new QWidget(splitter);
    auto *naiveLayout = new QVBoxLayout(m_naiveBox);
    naiveLayout->setContentsMargins(0, 0, 0, 0);
    auto *naiveLabel = new QLabel(
            u"Each read decoded alone (a naive client): characters cut across reads turn "
            "into U+FFFD �"_s,
            m_naiveBox);
    naiveLabel->setWordWrap(true);
    naiveLayout->addWidget(naiveLabel);
    m_naiveText = readOnlyText(m_naiveBox, false);
    m_naiveText->setObjectName(u"naiveText"_s);
    naiveLayout->addWidget(m_naiveText);
    splitter->addWidget(m_naiveBox);
    m_naiveBox->hide();
    return splitter;
}

QWidget *LaneContentView::buildEventsPage()
{
    m_eventsPage = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(m_eventsPage);
    layout->setContentsMargins(0, 0, 0, 0);
    m_droppedNote = new QLabel(m_eventsPage);
    m_droppedNote->hide();
    layout->addWidget(m_droppedNote);
    connect(&m_events, &EventListModel::droppedRowsChanged, this, [this](qint64 dropped) {
        m_droppedNote->setVisible(dropped > 0);
        m_droppedNote->setText(u"%1 older rows dropped (the list keeps the last %2)"_s.arg(dropped)
                                       .arg(m_events.maxRows()));
    });
    m_table = new QTableView(m_eventsPage);
    m_table->setObjectName(u"events"_s);
    m_table->setModel(&m_events);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().lineSpacing() + 6);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(EventListModel::DataColumn,
                                                      QHeaderView::Stretch);
    layout->addWidget(m_table);

    m_sendBox = new QWidget(m_eventsPage);
    auto *sendLayout = new QHBoxLayout(m_sendBox);
    sendLayout->setContentsMargins(0, 0, 0, 0);
    m_sendLine = new QLineEdit(m_sendBox);
    m_sendLine->setObjectName(u"sendLine"_s);
    m_sendLine->setPlaceholderText(u"Message to send over the WebSocket"_s);
    auto *sendButton = new QPushButton(u"Send"_s, m_sendBox);
    sendLayout->addWidget(m_sendLine);
    sendLayout->addWidget(sendButton);
    connect(m_sendLine, &QLineEdit::returnPressed, this, &LaneContentView::sendFromBox);
    connect(sendButton, &QPushButton::clicked, this, &LaneContentView::sendFromBox);
    layout->addWidget(m_sendBox);
    return m_eventsPage;
}

void LaneContentView::sendFromBox()
{
    const QString text = m_sendLine->text();
    if (text.isEmpty())
        return;
    m_sendLine->clear();
    emit sendRequested(text);
}

void LaneContentView::setPresentation(Presentation presentation)
{
    m_presentation = presentation;
    switch (presentation) {
    case Presentation::Text:
        m_pages->setCurrentWidget(m_text->parentWidget());
        break;
    case Presentation::Image:
        m_pages->setCurrentWidget(m_image);
        break;
    case Presentation::Events:
        m_pages->setCurrentWidget(m_eventsPage);
        break;
    case Presentation::Range:
        m_pages->setCurrentWidget(m_rangePage);
        break;
    case Presentation::Wire:
        m_pages->setCurrentWidget(m_wire);
        break;
    }
    m_sendBox->setVisible(m_mode == ProbeMode::WebSocket);
}

void LaneContentView::reset(const Lane &lane)
{
    m_frameTimer.stop();
    m_pending.clear();
    m_mode = lane.settings.mode;
    m_originNs = -1;
    m_exchangeStartNs.clear();
    m_hasWarnedNoBytes = false;
    m_text->clear();
    m_naiveText->clear();
    m_naiveBox->hide();
    m_image->reset();
    m_events.clear();
    m_rangeMap->clear();
    m_wire->clear();
    m_sendLine->clear();
    switch (m_mode) {
    case ProbeMode::Buffered:
    case ProbeMode::Stream:
        setPresentation(Presentation::Text);
        break;
    case ProbeMode::Sse:
    case ProbeMode::Poll:
    case ProbeMode::WebSocket:
        setPresentation(Presentation::Events);
        break;
    case ProbeMode::Range:
        setPresentation(Presentation::Range);
        break;
    case ProbeMode::Raw:
        setPresentation(Presentation::Wire);
        break;
    }
}

void LaneContentView::append(const Observation &observation)
{
    m_pending.append(observation);
    if (!m_frameTimer.isActive())
        m_frameTimer.start();
}

void LaneContentView::showLane(const Recording &recording, int lane)
{
    reset(recording.lanes.value(lane));
    Batch batch;
    for (const Observation &observation : recording.observations) {
        if (observation.lane == lane)
            consume(observation, batch);
    }
    commit(batch);
}

void LaneContentView::setPublished(const QHash<QString, qint64> &serverNsById)
{
    m_events.setPublished(serverNsById);
}

void LaneContentView::flush()
{
    m_frameTimer.stop(); // restarted by the next append()
    Batch batch;
    const QList<Observation> pending = std::exchange(m_pending, {});
    for (const Observation &observation : pending)
        consume(observation, batch);
    commit(batch);
}

double LaneContentView::msOf(qint64 tNs) const
{
    return double(tNs - m_originNs) / 1e6;
}

void LaneContentView::consume(const Observation &observation, Batch &batch)
{
    if (observation.kind == K::Request) {
        if (m_originNs < 0)
            m_originNs = observation.tNs;
        m_exchangeStartNs.insert(observation.exchange, observation.tNs);
    }
    if (m_originNs < 0)
        m_originNs = observation.tNs;
    switch (m_mode) {
    case ProbeMode::Buffered:
    case ProbeMode::Stream:
        consumeHttp(observation, batch);
        break;
    case ProbeMode::Sse:
    case ProbeMode::Poll:
    case ProbeMode::WebSocket:
        if (std::optional<Row> row = rowFor(observation)) {
            row->tNs = observation.tNs;
            row->ms = msOf(observation.tNs);
            row->exchange = observation.exchange;
            row->exchangeStartNs = m_exchangeStartNs.value(observation.exchange, 0);
            batch.rows.append(*row);
        }
        break;
    case ProbeMode::Range:
        consumeRange(observation);
        break;
    case ProbeMode::Raw:
        if (observation.kind == K::Wire)
            batch.wire += wireText(observation, msOf(observation.tNs));
        break;
    }
}

void LaneContentView::consumeHttp(const Observation &observation, Batch &batch)
{
    switch (observation.kind) {
    case K::Headers:
        if (headerValue(observation.fields, u"Content-Type").trimmed().startsWith(
                    u"image/"_s, Qt::CaseInsensitive)) {
            setPresentation(Presentation::Image);
        }
        break;
    case K::Chunk:
        consumeChunk(observation, batch);
        break;
    case K::Done:
        if (m_presentation == Presentation::Image)
            m_image->finish(msOf(observation.tNs));
        break;
    default:
        break;
    }
}

void LaneContentView::consumeChunk(const Observation &observation, Batch &batch)
{
    const QJsonObject &f = observation.fields;
    if (f.contains(u"data_b64"_s)) {
        const QByteArray bytes = QByteArray::fromBase64(f.value(u"data_b64"_s).toString().toLatin1());
        if (m_presentation == Presentation::Text && ProgressivePng::hasSignature(bytes))
            setPresentation(Presentation::Image);
        if (m_presentation == Presentation::Image)
            m_image->addBytes(bytes, msOf(observation.tNs));
        return;
    }
    if (m_presentation == Presentation::Image) {
        if (!m_hasWarnedNoBytes && observation.bytes > 0) {
            m_hasWarnedNoBytes = true;
            m_image->setNote(u"This recording holds no image bytes (the lane ran without "
                             "keeping the body)."_s);
        }
        return;
    }
    const QString text = f.value(u"text"_s).toString();
    batch.text += text;
    if (f.contains(u"naive_text"_s)) {
        batch.hasNaiveText = true;
        batch.naiveText += f.value(u"naive_text"_s).toString();
    } else {
        batch.naiveText += text;
    }
}

void LaneContentView::consumeRange(const Observation &observation)
{
    const QJsonObject &f = observation.fields;
    switch (observation.kind) {
    case K::Headers:
        if (observation.exchange == 0) {
            qint64 size = qint64(f.value(u"size"_s).toDouble());
            if (size <= 0)
                size = headerValue(f, u"Content-Length").toLongLong();
            m_rangeMap->setResourceSize(size);
        }
        break;
    case K::Range:
        m_rangeMap->addRange(qint64(f.value(u"start"_s).toDouble()),
                             qint64(f.value(u"end"_s).toDouble()), f.value(u"segment"_s).toInt(),
                             observation.tNs);
        break;
    case K::Reconnect: {
        // The file changed: the probe starts again from byte 0; the size stays the HEAD's.
        const qint64 size = m_rangeMap->resourceSize();
        m_rangeMap->clear();
        m_rangeMap->setResourceSize(size);
        break;
    }
    default:
        break;
    }
}

void LaneContentView::commit(Batch &batch)
{
    appendBounded(m_text, batch.text, kMaxTextChars);
    if (batch.hasNaiveText)
        m_naiveBox->show();
    appendBounded(m_naiveText, batch.naiveText, kMaxTextChars);
    m_events.appendRows(batch.rows);
    appendBounded(m_wire, batch.wire, kMaxWireChars);
}

QString LaneContentView::text() const
{
    return m_text->toPlainText();
}

QImage LaneContentView::image() const
{
    return m_image->image();
}

int LaneContentView::rowCount() const
{
    return m_events.rowCount();
}

QStringList LaneContentView::highlightedIds() const
{
    return m_events.replayedIds();
}

qint64 LaneContentView::coveredBytes() const
{
    return m_rangeMap->coveredBytes();
}
