// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QHash>
#include <QList>
#include <QMainWindow>
#include <QTemporaryDir>
#include <QUrl>

class LabSession;
class LanePanel;
class LessonPane;
class PublishBar;
class QAction;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QSplitter;
class QToolButton;
class Recording;
class SummaryTable;
class TimelineModel;
class TimelineView;
class TimelineViewState;
struct Lane;
struct Lesson;
struct Observation;

// The lab window. Left: the lessons and the selected lesson's explanation. Right: the lesson's
// controls (publish, drop connection, pause/resume), its lanes side by side with their knobs
// and live content, then the shared chunk-arrival timeline (one clock for every lane) and the
// summary table. Run starts every lane together; Repeat N overlays runs; File opens and saves
// session files and exports PNG (2×), CSV and HAR.
//
// It draws what a LabSession records and never measures; the built-in server runs in its own
// thread (wired in app/main.cpp), the probes in theirs.
class LabWindow : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabWindow)
public:
    // `serverBase`: the built-in server's URL (invalid when it could not start); `serverNote`: a
    // message to show at once (why the server is not on its usual port, or why it failed).
    explicit LabWindow(const QUrl &serverBase, const QString &serverNote = {},
                       QWidget *parent = nullptr);
    ~LabWindow() override;

    // Lessons by index into allLessons(); selecting one builds its lanes.
    void selectLesson(int index);
    int lessonIndex() const { return m_lessonIndex; }

    // The actions behind the toolbar and menus, callable directly (tests, shortcuts).
    void run();
    void stop();
    Result<bool> openRecording(const QString &path);
    Result<bool> saveRecording(const QString &path) const;
    Result<bool> exportPng(const QString &path) const;
    Result<bool> exportCsv(const QString &path) const;
    Result<bool> exportHar(const QString &path) const;

    // For tests and screenshots.
    LabSession *session() const { return m_session; }
    QList<LanePanel *> lanePanels() const { return m_panels; }
    TimelineView *timeline() const { return m_timeline; }
    const TimelineModel *timelineModel() const { return m_model; }
    TimelineViewState *timelineState() const { return m_state; }
    SummaryTable *summary() const { return m_summary; }
    PublishBar *publishBar() const { return m_publish; }
    QPushButton *dropButton() const { return m_drop; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *resumeButton() const { return m_resume; }
    void setRepeat(int count);
    // The last error shown in the window's banner (empty when none).
    QString bannerText() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildActions();
    void buildMenus();
    void buildStatusBar();
    QWidget *buildLessonArea();
    QWidget *buildTimelineArea();
    void rebuildLanes(const QList<Lane> &lanes, bool isOpenForm);
    void updateExtras();
    void onStarted(const Recording &skeleton);
    void onObserved(const Observation &observation);
    void onLaneFinished(int lane, bool isSuccess);
    void onRecordingChanged();
    void onRunningChanged(bool isRunning);
    void onPublished(const QString &id, qint64 serverNs);
    LanePanel *panelFor(const QString &laneName) const;
    void showError(const QString &message);
    void showInfo(const QString &message);
    void saveLessonSettings() const;
    void restoreLessonSettings();
    void saveWindowSettings() const;
    void restoreWindowSettings();
    void chooseAndOpen();
    void chooseAndSave();
    void chooseAndExport(const QString &what);

    QUrl m_base;
    LabSession *m_session = nullptr;      // child
    TimelineModel *m_model = nullptr;     // child
    TimelineViewState *m_state = nullptr; // child
    TimelineView *m_timeline = nullptr;
    SummaryTable *m_summary = nullptr;
    LessonPane *m_pane = nullptr;
    QListWidget *m_lessons = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_rightSplitter = nullptr;
    QSplitter *m_laneSplitter = nullptr;
    QSplitter *m_timelineSplitter = nullptr;
    QList<LanePanel *> m_panels;
    QList<LanePanel *> m_panelOfLane; // display lane → its panel (nullptr if none)
    PublishBar *m_publish = nullptr;
    QWidget *m_extras = nullptr;
    QPushButton *m_drop = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_resume = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_runStatus = nullptr;
    QSpinBox *m_repeat = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_cumulativeAction = nullptr;
    QAction *m_liveAction = nullptr;
    QAction *m_countdownAction = nullptr;
    QHash<QString, qint64> m_published; // hub id → t_server_ns, this run
    QTemporaryDir m_downloads;          // range lanes assemble their files here
    int m_lessonIndex = -1;
};
