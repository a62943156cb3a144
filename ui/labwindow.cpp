// SPDX-License-Identifier: GPL-3.0-only
#include "labwindow.h"

#include "errorstyle.h"
#include "labsession.h"
#include "lanecontentview.h"
#include "lanepanel.h"
#include "lessonpane.h"
#include "lessons.h"
#include "publishbar.h"
#include "summarytable.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "timelineviewstate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {

constexpr int kMessageMs = 8000;

// Lane names a run adds to a lesson's lane ("streamed · run 2", "resumable · resumed").
QString baseLaneName(const QString &name)
{
    const qsizetype mark = name.indexOf(u" · "_s);
    return mark < 0 ? name : name.left(mark);
}

} // namespace

LabWindow::LabWindow(const QUrl &serverBase, const QString &serverNote, QWidget *parent)
    : QMainWindow(parent), m_base(serverBase), m_session(new LabSession(this)),
      m_model(new TimelineModel(this)), m_state(new TimelineViewState(this))
{
    setWindowTitle(u"StreamLab"_s);
    buildActions();
    buildMenus();

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    auto *left = new QSplitter(Qt::Vertical, m_mainSplitter);
    m_lessons = new QListWidget(left);
    for (const Lesson &lesson : allLessons())
        m_lessons->addItem(lesson.title);
    m_lessons->setMinimumWidth(220);
    m_pane = new LessonPane(left);
    left->setStretchFactor(1, 1);

    m_rightSplitter = new QSplitter(Qt::Vertical, m_mainSplitter);
    m_rightSplitter->addWidget(buildLessonArea());
    m_rightSplitter->addWidget(buildTimelineArea());
    m_rightSplitter->setStretchFactor(0, 3);
    m_rightSplitter->setStretchFactor(1, 2);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);
    buildStatusBar();

    connect(m_lessons, &QListWidget::currentRowChanged, this, &LabWindow::selectLesson);
    connect(m_session, &LabSession::started, this, &LabWindow::onStarted);
    connect(m_session, &LabSession::observed, this, &LabWindow::onObserved);
    connect(m_session, &LabSession::laneFinished, this, &LabWindow::onLaneFinished);
    connect(m_session, &LabSession::recordingChanged, this, &LabWindow::onRecordingChanged);
    connect(m_session, &LabSession::runningChanged, this, &LabWindow::onRunningChanged);
    connect(m_session, &LabSession::controlRefused, this, &LabWindow::showError);
    connect(m_publish, &PublishBar::published, this, &LabWindow::onPublished);
    connect(m_publish, &PublishBar::failed, this, &LabWindow::showError);

    restoreWindowSettings();
    if (!serverNote.isEmpty())
        showError(serverNote);
}

LabWindow::~LabWindow() = default;

void LabWindow::buildActions()
{
    m_runAction = new QAction(u"Run"_s, this);
    m_runAction->setShortcuts({QKeySequence(u"Ctrl+R"_s), QKeySequence(Qt::Key_F5)});
    m_runAction->setToolTip(u"Run every lane of the lesson together (Ctrl+R)"_s);
    connect(m_runAction, &QAction::triggered, this, &LabWindow::run);
    m_stopAction = new QAction(u"Stop"_s, this);
    m_stopAction->setShortcuts({QKeySequence(u"Ctrl+."_s), QKeySequence(Qt::Key_Escape)});
    m_stopAction->setToolTip(u"Stop every lane now (Esc)"_s);
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, this, &LabWindow::stop);
    m_cumulativeAction = new QAction(u"Cumulative bytes"_s, this);
    m_cumulativeAction->setCheckable(true);
    m_cumulativeAction->setShortcut(QKeySequence(u"Ctrl+B"_s));
    m_cumulativeAction->setToolTip(u"Bytes received against time: staircase against ramp"_s);
    connect(m_cumulativeAction, &QAction::toggled, m_state, &TimelineViewState::setCumulative);
    m_liveAction = new QAction(u"Follow live"_s, this);
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(QKeySequence(u"Ctrl+L"_s));
    connect(m_liveAction, &QAction::toggled, m_state, &TimelineViewState::setLive);
    connect(m_state, &TimelineViewState::liveChanged, m_liveAction, &QAction::setChecked);
    connect(m_state, &TimelineViewState::cumulativeChanged, m_cumulativeAction,
            &QAction::setChecked);
    m_countdownAction = new QAction(u"Read-timeout countdown"_s, this);
    m_countdownAction->setCheckable(true);
    m_countdownAction->setToolTip(u"Draw each lane's inactivity timeout running down and "
                                  "restarting at every byte"_s);
    connect(m_countdownAction, &QAction::toggled, m_state, &TimelineViewState::setShowsCountdown);
    connect(m_state, &TimelineViewState::countdownChanged, m_countdownAction, &QAction::setChecked);

    auto *tools = addToolBar(u"Run"_s);
    tools->setObjectName(u"runToolBar"_s);
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_runAction->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_stopAction->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    tools->addAction(m_runAction);
    tools->addAction(m_stopAction);
    tools->addWidget(new QLabel(u"  Repeat "_s, tools));
    m_repeat = new QSpinBox(tools);
    m_repeat->setRange(1, LabSession::kMaxRepeat);
    m_repeat->setSuffix(u"×"_s);
    m_repeat->setToolTip(u"Run the lesson this many times in a row; the runs are overlaid"_s);
    tools->addWidget(m_repeat);
    tools->addSeparator();
    tools->addAction(m_cumulativeAction);
    tools->addAction(m_liveAction);
}

void LabWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(u"&File"_s);
    file->addAction(u"&Open recording…"_s, QKeySequence::Open, this, &LabWindow::chooseAndOpen);
    file->addAction(u"&Save recording…"_s, QKeySequence::Save, this, &LabWindow::chooseAndSave);
    file->addSeparator();
    file->addAction(u"Export timeline as &PNG…"_s, QKeySequence(u"Ctrl+E"_s), this,
                    [this] { chooseAndExport(u"png"_s); });
    file->addAction(u"Export as &CSV…"_s, this, [this] { chooseAndExport(u"csv"_s); });
    file->addAction(u"Export as &HAR…"_s, this, [this] { chooseAndExport(u"har"_s); });
    file->addSeparator();
    file->addAction(u"&Quit"_s, QKeySequence::Quit, this, &QWidget::close);

    QMenu *runMenu = menuBar()->addMenu(u"&Run"_s);
    runMenu->addAction(m_runAction);
    runMenu->addAction(m_stopAction);

    QMenu *view = menuBar()->addMenu(u"&View"_s);
    view->addAction(m_cumulativeAction);
    view->addAction(m_liveAction);
    view->addAction(m_countdownAction);
    view->addAction(u"&Reset zoom"_s, QKeySequence(u"Ctrl+0"_s), this,
                    [this] { m_timeline->resetZoom(); });
}

void LabWindow::buildStatusBar()
{
    m_runStatus = new QLabel(this);
    statusBar()->addWidget(m_runStatus, 1);
    auto *url = new QLabel(this);
    url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    url->setText(m_base.isValid() ? u"Server: "_s + m_base.toString() : u"Server: not running"_s);
    url->setToolTip(u"The built-in server; every lesson's lanes read from it"_s);
    statusBar()->addPermanentWidget(url);
    auto *copy = new QToolButton(this);
    copy->setText(u"Copy"_s);
    copy->setToolTip(u"Copy the server's URL"_s);
    connect(copy, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_base.toString()); });
    auto *open = new QToolButton(this);
    open->setText(u"Open in browser"_s);
    open->setToolTip(u"The index page: every endpoint, with curl commands and browser clients"_s);
    connect(open, &QToolButton::clicked, this, [this] {
        if (!QDesktopServices::openUrl(m_base))
            showError(u"Could not open %1 in a browser"_s.arg(m_base.toString()));
    });
    copy->setEnabled(m_base.isValid());
    open->setEnabled(m_base.isValid());
    statusBar()->addPermanentWidget(copy);
    statusBar()->addPermanentWidget(open);
}

QWidget *LabWindow::buildLessonArea()
{
    auto *area = new QWidget(this);
    auto *layout = new QVBoxLayout(area);
    layout->setContentsMargins(4, 4, 4, 0);
    m_banner = new QLabel(area);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(errorstyle::bannerSheet(palette()));
    m_banner->hide();
    layout->addWidget(m_banner);

    m_extras = new QWidget(area);
    auto *extras = new QHBoxLayout(m_extras);
    extras->setContentsMargins(0, 0, 0, 0);
    m_publish = new PublishBar(m_extras);
    m_drop = new QPushButton(u"Drop connection"_s, m_extras);
    m_drop->setToolTip(u"Cut the connection from the client's side, as a network drop would: "
                       "the client reconnects with Last-Event-ID"_s);
    m_pause = new QPushButton(u"Pause"_s, m_extras);
    m_pause->setToolTip(u"Stop the download now; the partial file and its ranges stay"_s);
    m_resume = new QPushButton(u"Resume"_s, m_extras);
    m_resume->setToolTip(u"Continue where it stopped, asking only for the missing ranges "
                         "(If-Range)"_s);
    extras->addWidget(m_publish, 1);
    extras->addWidget(m_drop);
    extras->addWidget(m_pause);
    extras->addWidget(m_resume);
    extras->addStretch();
    layout->addWidget(m_extras);
    connect(m_drop, &QPushButton::clicked, this, [this] { m_session->dropConnection(0); });
    connect(m_pause, &QPushButton::clicked, m_session, &LabSession::pause);
    connect(m_resume, &QPushButton::clicked, m_session, &LabSession::resume);

    // Four lanes at their narrowest can be wider than a laptop's screen: then the lanes
    // scroll sideways instead of pushing the window past the screen's edge.
    auto *lanes = new QScrollArea(area);
    lanes->setWidgetResizable(true);
    lanes->setFrameShape(QFrame::NoFrame);
    lanes->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_laneSplitter = new QSplitter(Qt::Horizontal, lanes);
    m_laneSplitter->setChildrenCollapsible(false);
    lanes->setWidget(m_laneSplitter);
    layout->addWidget(lanes, 1);
    return area;
}

QWidget *LabWindow::buildTimelineArea()
{
    m_timelineSplitter = new QSplitter(Qt::Vertical, this);
    // Many lanes (a Repeat overlays every run) need more height than the window has: the rows
    // keep a legible height and the timeline scrolls instead.
    auto *scroll = new QScrollArea(m_timelineSplitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_timeline = new TimelineView(m_model, m_state, scroll);
    scroll->setWidget(m_timeline);
    m_summary = new SummaryTable(m_timelineSplitter);
    m_timelineSplitter->setStretchFactor(0, 3);
    m_timelineSplitter->setStretchFactor(1, 1);
    return m_timelineSplitter;
}

void LabWindow::selectLesson(int index)
{
    if (index < 0 || index >= allLessons().size() || index == m_lessonIndex)
        return;
    if (m_session->isRunning())
        m_session->stop();
    saveLessonSettings();
    m_lessonIndex = index;
    if (m_lessons->currentRow() != index)
        m_lessons->setCurrentRow(index);
    const Lesson &lesson = allLessons().at(index);
    m_pane->showLesson(lesson, m_base);
    rebuildLanes(lesson.lanes(m_base), lesson.isAnyUrl);
    m_state->setShowsCountdown(lesson.id == u"timeout"_s);
    restoreLessonSettings();
    updateExtras();
    m_model->clear();
    m_summary->setRowCount(0);
    m_banner->hide();
    m_runStatus->setText(u"Press Run (Ctrl+R) to start every lane together."_s);
}

void LabWindow::rebuildLanes(const QList<Lane> &lanes, bool isOpenForm)
{
    qDeleteAll(m_panels);
    m_panels.clear();
    m_panelOfLane.clear();
    for (const Lane &lane : lanes) {
        auto *panel = new LanePanel(lane, isOpenForm, m_laneSplitter);
        const int laneIndex = int(m_panels.size());
        connect(panel, &LanePanel::sendRequested, this, [this, laneIndex](const QString &text) {
            m_session->sendMessage(laneIndex, text);
        });
        m_laneSplitter->addWidget(panel);
        m_panels.append(panel);
    }
    // Any URL: the other lanes follow the first lane's URL as it is typed, until one is given
    // a URL of its own, so one server is compared across techniques by typing it once.
    if (isOpenForm && m_panels.size() > 1) {
        connect(m_panels.first(), &LanePanel::urlTyped, this,
                [this](const QString &before, const QString &now) {
                    for (LanePanel *panel : std::as_const(m_panels).mid(1)) {
                        if (panel->urlText() == before)
                            panel->setUrlText(now);
                    }
                });
    }
    m_laneSplitter->setSizes(QList<int>(m_panels.size(), 1000));
}

void LabWindow::updateExtras()
{
    const Lesson *lesson = m_lessonIndex >= 0 ? &allLessons().at(m_lessonIndex) : nullptr;
    const Lesson::Extra extra = lesson ? lesson->extra : Lesson::Extra::None;
    const bool isPush = extra == Lesson::Extra::Publish || extra == Lesson::Extra::DropConnection;
    m_publish->setVisible(isPush);
    m_drop->setVisible(extra == Lesson::Extra::DropConnection);
    m_pause->setVisible(extra == Lesson::Extra::PauseResume);
    m_resume->setVisible(extra == Lesson::Extra::PauseResume);
    m_extras->setVisible(extra != Lesson::Extra::None);
    m_drop->setEnabled(m_session->isRunning());
    m_pause->setEnabled(m_session->isRunning());
    m_resume->setEnabled(!m_session->isRunning() && m_session->canResume());
    if (isPush && lesson) {
        const QUrl url = lesson->lanes(m_base).value(0).settings.url;
        const QString topic = QUrlQuery(url).queryItemValue(u"topic"_s);
        m_publish->setTarget(m_base, topic.isEmpty() ? u"default"_s : topic);
    }
}

void LabWindow::run()
{
    if (!m_base.isValid() && m_lessonIndex >= 0 && !allLessons().at(m_lessonIndex).isAnyUrl) {
        showError(u"The built-in server is not running, so this lesson cannot run. Lesson 9 "
                  "(Any URL) still works against other servers."_s);
        return;
    }
    QList<Lane> lanes;
    for (LanePanel *panel : std::as_const(m_panels)) {
        const Result<Lane> lane = panel->lane();
        if (!lane.isOk()) {
            showError(lane.error());
            return;
        }
        lanes.append(lane.value());
    }
    if (lanes.isEmpty())
        return;
    const Lesson *lesson = m_lessonIndex >= 0 ? &allLessons().at(m_lessonIndex) : nullptr;
    for (int i = 0; i < lanes.size(); ++i) {
        ProbeSettings &settings = lanes[i].settings;
        if (settings.mode == ProbeMode::Range && m_downloads.isValid()) {
            settings.outputPath = m_downloads.filePath(u"lane-%1.bin"_s.arg(i));
            QFile::remove(settings.outputPath);
            QFile::remove(settings.outputPath + u".streamlab-partial"_s);
        }
        if (lesson && (lesson->id == u"image"_s || lesson->isAnyUrl))
            settings.keepsBody = true; // the content view draws the image from the bytes
    }
    m_banner->hide();
    m_published.clear();
    for (LanePanel *panel : std::as_const(m_panels))
        panel->contentView()->setPublished(m_published);
    saveLessonSettings();
    m_session->run(lanes, lesson ? lesson->title : windowTitle(), m_repeat->value());
}

void LabWindow::stop()
{
    m_session->stop();
}

void LabWindow::setRepeat(int count)
{
    m_repeat->setValue(count);
}

void LabWindow::onStarted(const Recording &skeleton)
{
    m_model->setRecording(skeleton);
    m_state->setLive(true);
    m_panelOfLane.clear();
    for (int index = 0; index < skeleton.lanes.size(); ++index) {
        const Lane &lane = skeleton.lanes.at(index);
        LanePanel *panel = panelFor(lane.name);
        m_panelOfLane.append(panel);
        if (!panel || index < m_session->firstLiveLane())
            continue;                // drawn already: a paused download's part, an earlier run
        if (!m_session->isResumed()) // a resumed download adds to what the view shows
            panel->contentView()->reset(lane);
        panel->setStatus(u"running…"_s);
        panel->setEditable(false);
    }
    const int run = m_session->runNumber();
    m_runStatus->setText(m_session->repeatCount() > 1
                             ? u"Running (run %1 of %2)…"_s.arg(run).arg(m_session->repeatCount())
                             : u"Running…"_s);
}

void LabWindow::onObserved(const Observation &observation)
{
    m_model->appendObservation(observation);
    if (LanePanel *panel = m_panelOfLane.value(observation.lane))
        panel->contentView()->append(observation);
}

void LabWindow::onLaneFinished(int lane, bool isSuccess)
{
    LanePanel *panel = m_panelOfLane.value(lane);
    if (!panel)
        return;
    const Recording &live = m_model->recording();
    QString error;
    double endMs = 0;
    for (const Observation &o : live.observations) {
        if (o.lane != lane)
            continue;
        if (o.kind == ObservationKind::Error)
            error = o.fields.value(u"message"_s).toString();
        endMs = live.msSinceStart(o.tNs);
    }
    panel->setStatus(isSuccess ? u"done at %1 ms"_s.arg(endMs, 0, 'f', 1)
                               : u"failed: %1"_s.arg(error),
                     !isSuccess);
}

void LabWindow::onRecordingChanged()
{
    const Recording &recording = m_session->recording();
    m_model->setRecording(recording);
    m_summary->setRecording(recording);
    // The content views show the newest run, now joined with the send log (lags). A resumed
    // download keeps what the views drew live: the paused part and the rest together.
    const Recording &last = m_session->lastRun();
    for (int lane = 0; lane < last.lanes.size() && !m_session->isResumed(); ++lane) {
        if (LanePanel *panel = panelFor(last.lanes.at(lane).name))
            panel->contentView()->showLane(last, lane);
    }
    if (!m_session->isRunning())
        m_timeline->resetZoom();
}

void LabWindow::onRunningChanged(bool isRunning)
{
    m_runAction->setEnabled(!isRunning);
    m_stopAction->setEnabled(isRunning);
    m_repeat->setEnabled(!isRunning);
    m_lessons->setEnabled(!isRunning);
    for (LanePanel *panel : std::as_const(m_panels))
        panel->setEditable(!isRunning);
    updateExtras();
    if (isRunning)
        return;
    m_state->setLive(false);
    m_timeline->resetZoom();
    const Recording &recording = m_session->recording();
    int failed = 0;
    for (const Observation &o : recording.observations)
        failed += o.kind == ObservationKind::Error ? 1 : 0;
    QString text = u"Done: %1 lane(s), %2 observations"_s.arg(recording.lanes.size())
                       .arg(recording.observations.size());
    if (failed > 0)
        text += u", %1 failed"_s.arg(failed);
    if (m_session->canResume())
        text += u" · paused: Resume continues the download"_s;
    m_runStatus->setText(text);
}

void LabWindow::onPublished(const QString &id, qint64 serverNs)
{
    m_published.insert(id, serverNs);
    for (LanePanel *panel : std::as_const(m_panels))
        panel->contentView()->setPublished(m_published);
}

LanePanel *LabWindow::panelFor(const QString &laneName) const
{
    const QString name = baseLaneName(laneName);
    for (LanePanel *panel : m_panels) {
        if (panel->objectName() == name)
            return panel;
    }
    return nullptr;
}

QString LabWindow::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void LabWindow::showError(const QString &message)
{
    m_banner->setText(message);
    m_banner->show();
    statusBar()->showMessage(message, kMessageMs);
}

void LabWindow::showInfo(const QString &message)
{
    statusBar()->showMessage(message, kMessageMs);
}

void LabWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && m_banner)
        m_banner->setStyleSheet(errorstyle::bannerSheet(palette()));
    QMainWindow::changeEvent(event);
}

void LabWindow::closeEvent(QCloseEvent *event)
{
    m_session->stop();
    saveLessonSettings();
    saveWindowSettings();
    event->accept();
}
