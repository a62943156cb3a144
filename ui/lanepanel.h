// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"
#include "result.h"

#include <QFrame>
#include <QList>

class LaneContentView;
class QComboBox;
class QFormLayout;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QHBoxLayout;

// One lane of a lesson: its name and status, its knobs (technique, URL, the server's query
// parameters as spin boxes, the client's inactivity timeout; for "any URL" also method,
// headers and body) and its content view below. The URL is the single source of truth for
// the query knobs: editing one rewrites the URL, editing the URL rebuilds them.
class LanePanel : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanePanel)
public:
    static constexpr int kKnobsPerRow = 3;

    // `isOpenForm`: lesson 9, the user's own URL: method, headers and body are editable too.
    LanePanel(const Lane &lane, bool isOpenForm, QWidget *parent = nullptr);
    ~LanePanel() override;

    // The lane as its knobs now say, or an error naming the lane and the field that is wrong.
    Result<Lane> lane() const;
    // Puts saved settings back (QSettings); ignored where they do not parse.
    void restoreSettings(const ProbeSettings &settings);

    LaneContentView *contentView() const { return m_content; }
    // A short line under the name: "running", "done in 5.0 s", the error…
    void setStatus(const QString &text, bool isError = false);
    QString statusText() const;
    // Knobs are read-only while the lane runs.
    void setEditable(bool isEditable);

    QString urlText() const;
    // Replaces the URL as if typed (the query knobs follow).
    void setUrlText(const QString &text);

signals:
    void sendRequested(const QString &text);
    // The user typed in the URL box: what it said before the keystroke, and now.
    void urlTyped(const QString &before, const QString &now);

private:
    void buildKnobs();
    void onUrlEdited();
    void onModeChanged();

    QString m_name;
    ProbeSettings m_base; // what the knobs do not show is kept from here
    bool m_isOpenForm = false;
    QLabel *m_status = nullptr;
    QComboBox *m_mode = nullptr;
    QLineEdit *m_url = nullptr;
    QString m_typedUrl; // the URL box's text as of the last keystroke
    QSpinBox *m_timeout = nullptr;
    QComboBox *m_method = nullptr;
    QPlainTextEdit *m_headers = nullptr;
    QLineEdit *m_body = nullptr;
    QGridLayout *m_knobRow = nullptr;
    QList<QWidget *> m_knobs;
    LaneContentView *m_content = nullptr;
};
