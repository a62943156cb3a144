// SPDX-License-Identifier: GPL-3.0-only
#include "eventlistmodel.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace {

QColor blend(const QColor &over, const QColor &under, double share)
{
    const auto mix = [share](double a, double b) { return a * share + b * (1 - share); };
    return QColor::fromRgbF(float(mix(over.redF(), under.redF())),
                            float(mix(over.greenF(), under.greenF())),
                            float(mix(over.blueF(), under.blueF())));
}

QString singleLine(const QString &text, int maxChars)
{
    QString line = text.left(maxChars + 1);
    line.replace(u"\r\n"_s, u" ⏎ "_s);
    line.replace(u'\n', u" ⏎ "_s);
    line.replace(u'\r', u" ⏎ "_s);
    if (line.size() > maxChars || text.size() > maxChars + 1)
        line = line.left(maxChars) + u'…';
    return line;
}

} // namespace

EventListModel::EventListModel(QObject *parent) : QAbstractTableModel(parent) {}

EventListModel::~EventListModel() = default;

void EventListModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_droppedRows = 0;
    endResetModel();
    emit droppedRowsChanged(0);
}

void EventListModel::appendRows(const QList<Row> &rows)
{
    if (rows.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    m_rows.insert(m_rows.end(), rows.cbegin(), rows.cend());
    endInsertRows();
    trim();
}

void EventListModel::trim()
{
    const int excess = int(m_rows.size()) - m_maxRows;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + excess);
    endRemoveRows();
    m_droppedRows += excess;
    emit droppedRowsChanged(m_droppedRows);
}

void EventListModel::setPublished(const QHash<QString, qint64> &serverNsById)
{
    m_published = serverNsById;
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void EventListModel::setMaxRows(int maxRows)
{
    m_maxRows = qMax(1, maxRows);
    trim();
}

bool EventListModel::isReplayed(const Row &row) const
{
    if (row.id.isEmpty() || row.exchange <= 0 || row.exchangeStartNs <= 0)
        return false;
    const auto published = m_published.constFind(row.id);
    return published != m_published.cend() && *published < row.exchangeStartNs;
}

std::optional<double> EventListModel::latencyMs(const Row &row) const
{
    if (!row.id.isEmpty()) {
        const auto published = m_published.constFind(row.id);
        if (published != m_published.cend())
            return double(row.tNs - *published) / 1e6;
    }
    return row.fallbackLatencyMs;
}

QStringList EventListModel::replayedIds() const
{
    QStringList ids;
    for (const Row &row : m_rows) {
        if (isReplayed(row))
            ids.append(row.id);
    }
    return ids;
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = row(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(r, index.column());
    case Qt::ToolTipRole:
        return index.column() == DataColumn ? QVariant(r.data.left(kMaxToolTipChars)) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == MsColumn || index.column() == LatencyColumn
                ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                : QVariant();
    case Qt::BackgroundRole:
        return background(r);
    case Qt::ForegroundRole:
        if (r.kind == RowKind::Comment)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::FontRole:
        if (r.kind == RowKind::Separator) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        return {};
    }
}

QVariant EventListModel::displayData(const Row &row, int column) const
{
    switch (column) {
    case MsColumn:
        return QString::number(row.ms, 'f', 1);
    case KindColumn:
        return row.type;
    case IdColumn:
        return row.id;
    case DataColumn:
        return singleLine(row.data, kMaxDataChars);
    case LatencyColumn: {
        const std::optional<double> latency = latencyMs(row);
        return latency ? QVariant(QString::number(*latency, 'f', 1)) : QVariant();
    }
    default:
        return {};
    }
}

QVariant EventListModel::background(const Row &row) const
{
    const QPalette palette = QGuiApplication::palette();
    if (isReplayed(row))
        return blend(palette.color(QPalette::Highlight), palette.color(QPalette::Base),
                     kReplayBlend);
    if (row.kind == RowKind::Separator)
        return blend(palette.color(QPalette::Mid), palette.color(QPalette::Base), kSeparatorBlend);
    return {};
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case MsColumn:
        return u"ms"_s;
    case KindColumn:
        return u"kind"_s;
    case IdColumn:
        return u"id"_s;
    case DataColumn:
        return u"data"_s;
    case LatencyColumn:
        return u"latency ms"_s;
    default:
        return {};
    }
}
