// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QTableWidget>

class Recording;

// The figures of `streamlab compare`, one row per lane, under the timeline: the same columns
// (summaryColumnTitles()), a failed lane's row marked and its error in the tooltip.
class SummaryTable : public QTableWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SummaryTable)
public:
    explicit SummaryTable(QWidget *parent = nullptr);
    ~SummaryTable() override;

    void setRecording(const Recording &recording);
    QSize sizeHint() const override;
};
