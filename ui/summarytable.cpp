// SPDX-License-Identifier: GPL-3.0-only
#include "summarytable.h"

#include "recording.h"
#include "summary.h"

#include <QHeaderView>

using namespace Qt::StringLiterals;

namespace {

constexpr int kVisibleRows = 4;

} // namespace

SummaryTable::SummaryTable(QWidget *parent) : QTableWidget(parent)
{
    const QStringList titles = summaryColumnTitles();
    setColumnCount(int(titles.size()));
    setHorizontalHeaderLabels(titles);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAlternatingRowColors(true);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(false);
    horizontalHeaderItem(0)->setToolTip(u"The lane"_s);
    setToolTip(u"ms since each lane's first request; overhead: wire bytes that are not "
               "payload; coalesced: reads that completed several server writes; lag: the "
               "server's write to the client's read"_s);
}

SummaryTable::~SummaryTable() = default;

void SummaryTable::setRecording(const Recording &recording)
{
    const QList<LaneSummary> rows = summarize(recording);
    setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const LaneSummary &row = rows.at(r);
        const QStringList cells = summaryCells(row);
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                          : Qt::AlignRight | Qt::AlignVCenter);
            if (!row.error.isEmpty()) {
                item->setToolTip(row.error);
                if (c == 0)
                    item->setText(cells.at(c) + u"  ✗"_s);
            }
            setItem(r, c, item);
        }
    }
}

QSize SummaryTable::sizeHint() const
{
    const int rowsHeight = verticalHeader()->defaultSectionSize() * kVisibleRows;
    return {QTableWidget::sizeHint().width(),
            horizontalHeader()->sizeHint().height() + rowsHeight + 2 * frameWidth()};
}
