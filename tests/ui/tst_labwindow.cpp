// SPDX-License-Identifier: GPL-3.0-only
// The lab window end to end, offscreen, against the real built-in server: every lesson 1–8 is
// selected, run as a user would (with shorter knobs where the teaching defaults take seconds),
// and its recording checked; a saved recording is reopened and shown.
#include "labsession.h"
#include "labwindow.h"
#include "lanecontentview.h"
#include "lanepanel.h"
#include "lessons.h"
#include "publishbar.h"
#include "summarytable.h"
#include "testserver.h"
#include "timelinemodel.h"
#include "timelineview.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int kRunTimeoutMs = 60'000;

QList<Observation> ofKind(const Recording &recording, int lane, ObservationKind kind)
{
    QList<Observation> found;
    for (const Observation &o : recording.observations) {
        if (o.lane == lane && o.kind == kind)
            found.append(o);
    }
    return found;
}

qint64 firstPayloadNs(const Recording &recording, int lane)
{
    for (const Observation &o : recording.observations) {
        if (o.lane == lane && isPayloadKind(o.kind) && o.bytes > 0)
            return o.tNs;
    }
    return -1;
}

bool laneSucceeded(const Recording &recording, int lane)
{
    const QList<Observation> done = ofKind(recording, lane, ObservationKind::Done);
    return !done.isEmpty() && done.last().fields.value(u"ok"_s).toBool();
}

QString errorsOf(const Recording &recording)
{
    QStringList errors;
    for (const Observation &o : recording.observations) {
        if (o.kind == ObservationKind::Error)
            errors += recording.lanes.value(o.lane).name + u": "_s
                      + o.fields.value(u"message"_s).toString();
    }
    return errors.join(u"; "_s);
}

int lessonIndex(const QString &id)
{
    for (int i = 0; i < allLessons().size(); ++i) {
        if (allLessons().at(i).id == id)
            return i;
    }
    return -1;
}

} // namespace

class tst_LabWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void everyLessonBuildsItsLanes();
    void textStreamsBeforeBuffered();
    void imageDrawsBeforeItCompletes();
    void recordsArriveOneByOneWithLag();
    void sseReconnectsAndReplays();
    void pushRaceDeliversToEveryLane();
    void rangesResumeAndVerify();
    void timeoutAgainstHeartbeats();
    void wireShowsTheBytes();
    void repeatOverlaysRuns();
    void savedRecordingReopens();
    void badKnobIsNamedNotRun();
    void anyUrlProbesAnotherServer();
    void settingsPersistAcrossRestart();
    void repeatShowsEarlierRunsLive();
    void emptyTimelineSaysWhatToDo();
    void errorsFollowTheDarkPalette();

private:
    // Selects the lesson and rewrites each lane's URL query with `queries` (same order).
    void select(const QString &id, const QStringList &pathsAndQueries = {});
    void runToEnd();
    // With STREAMLAB_SCREENSHOTS=DIR set (README screenshots, under Xvfb), saves the window.
    void screenshot(const QString &name);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<LabWindow> m_window;
    QTemporaryDir m_dir;
};

void tst_LabWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QCoreApplication::setOrganizationName(u"StreamLabTest"_s);
    QCoreApplication::setApplicationName(u"tst_labwindow"_s);
    QSettings().clear();
    m_server = std::make_unique<TestServer>();
    QCOMPARE(m_server->start(), QString());
    QByteArray sample(1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(sample.data()),
                                  sample.size() / int(sizeof(quint32)));
    m_server->addFile(u"sample.bin"_s, sample);
    QVERIFY(m_dir.isValid());
}

void tst_LabWindow::init()
{
    m_window = std::make_unique<LabWindow>(m_server->url(u"/"_s));
    m_window->resize(1400, 900);
    m_window->show();
}

void tst_LabWindow::cleanup()
{
    m_window->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isRunning(), 10'000);
    m_window.reset();
}

void tst_LabWindow::select(const QString &id, const QStringList &pathsAndQueries)
{
    const int index = lessonIndex(id);
    QVERIFY(index >= 0);
    m_window->selectLesson(index);
    QCOMPARE(m_window->lessonIndex(), index);
    const QList<Lane> lanes = allLessons().at(index).lanes(m_server->url(u"/"_s));
    QCOMPARE(m_window->lanePanels().size(), lanes.size());
    for (int i = 0; i < pathsAndQueries.size(); ++i) {
        ProbeSettings settings = lanes.at(i).settings;
        QUrl url = settings.url.resolved(QUrl(pathsAndQueries.at(i)));
        url.setScheme(settings.url.scheme());
        settings.url = url;
        m_window->lanePanels().at(i)->restoreSettings(settings);
    }
}

void tst_LabWindow::runToEnd()
{
    QSignalSpy changed(m_window->session(), &LabSession::runningChanged);
    m_window->run();
    QVERIFY2(m_window->bannerText().isEmpty(), qPrintable(m_window->bannerText()));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isRunning(), kRunTimeoutMs);
    QVERIFY(changed.count() >= 2);
}

void tst_LabWindow::screenshot(const QString &name)
{
    const QString dir = qEnvironmentVariable("STREAMLAB_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QCoreApplication::processEvents();
    QTest::qWait(100); // one more display-rate refresh of the content views
    QVERIFY(m_window->grab().save(dir + u'/' + name + u".png"_s));
}

void tst_LabWindow::everyLessonBuildsItsLanes()
{
    for (int i = 0; i < allLessons().size(); ++i) {
        m_window->selectLesson(i);
        const int lanes = int(allLessons().at(i).templates.size());
        QCOMPARE(m_window->lanePanels().size(), lanes);
        QVERIFY(lanes >= 1 && lanes <= 4);
        for (LanePanel *panel : m_window->lanePanels())
            QVERIFY2(panel->lane().isOk(), qPrintable(panel->lane().error()));
    }
    // Extras follow the lesson.
    m_window->selectLesson(lessonIndex(u"sse"_s));
    QVERIFY(!m_window->dropButton()->isHidden());
    QVERIFY(!m_window->publishBar()->isHidden());
    m_window->selectLesson(lessonIndex(u"text"_s));
    QVERIFY(m_window->dropButton()->isHidden());
    QVERIFY(m_window->pauseButton()->isHidden());
}

void tst_LabWindow::textStreamsBeforeBuffered()
{
    select(u"text"_s, {u"/text?mode=stream&chunk=64&interval=20"_s,
                       u"/text?mode=buffered&chunk=64&interval=20"_s});
    runToEnd();
    const Recording &recording = m_window->session()->recording();
    QCOMPARE(recording.lanes.size(), 2);
    QVERIFY2(laneSucceeded(recording, 0) && laneSucceeded(recording, 1),
             qPrintable(errorsOf(recording)));
    const qint64 streamed = firstPayloadNs(recording, 0);
    const qint64 buffered = firstPayloadNs(recording, 1);
    QVERIFY(streamed > 0 && buffered > 0);
    // ~50 pieces 20 ms apart: the buffered body cannot start before most of them were sent.
    QVERIFY2(buffered - streamed > 300'000'000,
             qPrintable(u"streamed %1 ns, buffered %2 ns"_s.arg(streamed).arg(buffered)));
    QVERIFY(ofKind(recording, 0, ObservationKind::Chunk).size() > 10);
    QCOMPARE(ofKind(recording, 1, ObservationKind::Chunk).size(), 1);
    const QString text = m_window->lanePanels().at(0)->contentView()->text();
    QVERIFY2(text.contains(u"StreamLab"_s), qPrintable(text.left(200)));
    QCOMPARE(m_window->lanePanels().at(1)->contentView()->text(), text);
    QCOMPARE(m_window->summary()->rowCount(), 2);
    screenshot(u"lesson1-text"_s);
    QCOMPARE(m_window->width(), 1400); // the lanes' knobs fit; nothing forces the window wider
    QVERIFY(!m_window->timeline()->renderImage(1).isNull());
}

void tst_LabWindow::imageDrawsBeforeItCompletes()
{
    select(u"image"_s, {u"/image?mode=stream&chunk=8192&interval=50"_s,
                        u"/image?mode=buffered&chunk=8192&interval=50"_s});
    m_window->run();
    // Mid-run: the streamed lane already draws its first passes while the buffered one has
    // nothing to show yet.
    const QList<LanePanel *> panels = m_window->lanePanels();
    QTRY_VERIFY_WITH_TIMEOUT(!panels.at(0)->contentView()->image().isNull(), kRunTimeoutMs);
    QVERIFY(m_window->session()->isRunning());
    QVERIFY(panels.at(1)->contentView()->image().isNull());
    screenshot(u"lesson2-image-midrun"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isRunning(), kRunTimeoutMs);
    const Recording &recording = m_window->session()->recording();
    QVERIFY2(laneSucceeded(recording, 0) && laneSucceeded(recording, 1),
             qPrintable(errorsOf(recording)));
    QVERIFY(firstPayloadNs(recording, 0) < firstPayloadNs(recording, 1));
    for (LanePanel *panel : m_window->lanePanels()) {
        const QImage image = panel->contentView()->image();
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 100 && image.height() > 100);
    }
    screenshot(u"lesson2-image"_s);
}

void tst_LabWindow::recordsArriveOneByOneWithLag()
{
    select(u"records"_s, {u"/records?count=5&delay=100"_s, u"/records?count=5&delay=100"_s});
    runToEnd();
    const Recording &recording = m_window->session()->recording();
    QVERIFY2(laneSucceeded(recording, 0) && laneSucceeded(recording, 1),
             qPrintable(errorsOf(recording)));
    const QList<Observation> chunks = ofKind(recording, 0, ObservationKind::Chunk);
    QVERIFY(chunks.size() >= 5);
    // Joined with the server's send log: every record's read knows its lag.
    int lagged = 0;
    for (const Observation &chunk : chunks)
        lagged += chunk.fields.contains(u"lag_ms"_s) ? 1 : 0;
    QVERIFY2(lagged >= 5, qPrintable(QString::number(lagged)));
    // Records 100 ms apart arrive spread out, not at once.
    QVERIFY(chunks.last().tNs - chunks.first().tNs > 250'000'000);
    const QList<Observation> wire = ofKind(recording, 1, ObservationKind::Wire);
    QVERIFY(wire.size() >= 5);
    QVERIFY(wire.first().fields.value(u"raw"_s).toString().startsWith(u"HTTP/1.1 200"_s));
    screenshot(u"lesson3-records"_s);
}

void tst_LabWindow::sseReconnectsAndReplays()
{
    select(u"sse"_s, {u"/sse?interval=200&heartbeat=300&retry=800"_s});
    LabSession *session = m_window->session();
    QSignalSpy observed(session, &LabSession::observed);
    m_window->run();
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(observed.cbegin(), observed.cend(),
                                           [](const QList<QVariant> &args) {
                                               return args.at(0).value<Observation>().kind
                                                      == ObservationKind::Event;
                                           })
                                 >= 2,
                             10'000);
    QSignalSpy published(m_window->publishBar(), &PublishBar::published);
    m_window->dropButton()->click();
    // While the client waits out its retry, publish: the server must replay it.
    m_window->publishBar()->publish(u"while you were away"_s);
    QVERIFY(published.wait(5000));
    const QString publishedId = published.first().at(0).toString();
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->lanePanels().at(0)->contentView()->highlightedIds().contains(publishedId),
        10'000);
    m_window->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 10'000);
    screenshot(u"lesson4-sse"_s);
    const Recording &recording = session->recording();
    const QList<Observation> reconnects = ofKind(recording, 0, ObservationKind::Reconnect);
    QVERIFY(!reconnects.isEmpty());
    QVERIFY(!reconnects.first().fields.value(u"last_event_id"_s).toString().isEmpty());
    QVERIFY(ofKind(recording, 0, ObservationKind::Request).size() >= 2);
    QVERIFY(!ofKind(recording, 0, ObservationKind::Comment).isEmpty()); // heartbeats
}

void tst_LabWindow::pushRaceDeliversToEveryLane()
{
    select(u"push"_s);
    LabSession *session = m_window->session();
    QSignalSpy observed(session, &LabSession::observed);
    m_window->run();
    QVERIFY(session->isRunning());
    auto heard = [&observed](int lane) {
        return std::count_if(
            observed.cbegin(), observed.cend(), [lane](const QList<QVariant> &args) {
                const auto o = args.at(0).value<Observation>();
                return o.lane == lane
                       && (o.kind == ObservationKind::Event || o.kind == ObservationKind::Message);
            });
    };
    // A long poll hears only what is published after its request reached the server: publish
    // until every lane has heard something, then race three messages.
    for (int attempt = 0; attempt < 20 && (heard(0) == 0 || heard(1) == 0 || heard(2) == 0);
         ++attempt) {
        m_window->publishBar()->publish(u"warm-up"_s);
        if (QTest::qWaitFor([&] { return heard(0) > 0 && heard(1) > 0 && heard(2) > 0; }, 500))
            break;
    }
    QVERIFY(heard(0) > 0 && heard(1) > 0 && heard(2) > 0);
    const qsizetype before[] = {heard(0), heard(1), heard(2)};
    for (int i = 0; i < 3; ++i)
        m_window->publishBar()->publish(u"race %1"_s.arg(i));
    QTRY_VERIFY_WITH_TIMEOUT(heard(0) >= before[0] + 3 && heard(1) >= before[1] + 3
                                 && heard(2) >= before[2] + 3,
                             10'000);
    QTRY_VERIFY(m_window->lanePanels().at(2)->contentView()->rowCount() >= 3);
    m_window->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 10'000);
    const Recording &recording = session->recording();
    QVERIFY(ofKind(recording, 0, ObservationKind::Event).size() >= 3);
    QVERIFY(ofKind(recording, 1, ObservationKind::Event).size() >= 3);
    QVERIFY(ofKind(recording, 2, ObservationKind::Message).size() >= 3);
    screenshot(u"lesson5-push"_s);
}

void tst_LabWindow::rangesResumeAndVerify()
{
    select(u"ranges"_s, {u"/files/sample.bin?rate=400000"_s, u"/files/sample.bin?rate=2000000"_s});
    LabSession *session = m_window->session();
    QSignalSpy observed(session, &LabSession::observed);
    m_window->run();
    // Pause once the single download has some bytes.
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(observed.cbegin(), observed.cend(),
                                           [](const QList<QVariant> &args) {
                                               const auto o = args.at(0).value<Observation>();
                                               return o.lane == 0
                                                      && o.kind == ObservationKind::Range;
                                           })
                                 >= 2,
                             10'000);
    m_window->pauseButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 10'000);
    QVERIFY(session->canResume());
    QTRY_VERIFY(m_window->resumeButton()->isEnabled());
    m_window->resumeButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning() && !session->canResume(), kRunTimeoutMs);
    const Recording &recording = session->recording();
    // The paused run's four lanes, then the resumed download (and the segmented one, if it
    // had not finished yet).
    QVERIFY(recording.lanes.size() == 5 || recording.lanes.size() == 6);
    QCOMPARE(recording.lanes.at(4).name, u"resumable · resumed"_s);
    const QList<Observation> done = ofKind(recording, 4, ObservationKind::Done);
    QCOMPARE(done.size(), 1);
    QVERIFY2(done.first().fields.value(u"verified"_s).toBool(), qPrintable(errorsOf(recording)));
    // The resumed run asked only for what was missing.
    const QList<Observation> resumedRanges = ofKind(recording, 4, ObservationKind::Range);
    QVERIFY(!resumedRanges.isEmpty());
    QVERIFY(resumedRanges.first().fields.value(u"start"_s).toInteger() > 0);
    // 416 past the end; a stale If-Range gets the whole file, 200.
    const QList<Observation> pastEnd = ofKind(recording, 2, ObservationKind::Headers);
    QCOMPARE(pastEnd.first().fields.value(u"status"_s).toInt(), 416);
    const QList<Observation> stale = ofKind(recording, 3, ObservationKind::Headers);
    QCOMPARE(stale.first().fields.value(u"status"_s).toInt(), 200);
    QCOMPARE(m_window->lanePanels().at(0)->contentView()->coveredBytes(), 1024 * 1024);
    screenshot(u"lesson6-ranges"_s);
    QCOMPARE(m_window->width(), 1400);
}

void tst_LabWindow::timeoutAgainstHeartbeats()
{
    select(u"timeout"_s, {u"/slow?delay=3000"_s, u"/slow?delay=3000&mode=chunked&keepalive=500"_s});
    // Both clients: 1.5 s of silence is too much.
    for (LanePanel *panel : m_window->lanePanels()) {
        Lane lane = panel->lane().value();
        lane.settings.timeoutMs = 1500;
        panel->restoreSettings(lane.settings);
    }
    runToEnd();
    const Recording &recording = m_window->session()->recording();
    QVERIFY(!laneSucceeded(recording, 0));
    const QList<Observation> errors = ofKind(recording, 0, ObservationKind::Error);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().fields.value(u"message"_s).toString().contains(u"1500 ms"_s),
             qPrintable(errors.first().fields.value(u"message"_s).toString()));
    QVERIFY2(laneSucceeded(recording, 1), qPrintable(errorsOf(recording)));
    QVERIFY(ofKind(recording, 1, ObservationKind::Chunk).size() >= 4); // the keep-alives
    screenshot(u"lesson7-timeout"_s);
}

void tst_LabWindow::wireShowsTheBytes()
{
    select(u"wire"_s,
           {u"/records?count=2&delay=50"_s, u"/sse?interval=50&count=2"_s, u"/ws?interval=50"_s});
    Lane ws = m_window->lanePanels().at(2)->lane().value();
    QCOMPARE(ws.settings.url.scheme(), u"ws"_s);
    QSignalSpy observed(m_window->session(), &LabSession::observed);
    m_window->run();
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(observed.cbegin(), observed.cend(),
                                           [](const QList<QVariant> &args) {
                                               const auto o = args.at(0).value<Observation>();
                                               return o.lane == 2
                                                      && o.kind == ObservationKind::Wire;
                                           })
                                 >= 3,
                             10'000);
    m_window->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isRunning(), 10'000);
    const Recording &recording = m_window->session()->recording();
    for (int lane = 0; lane < 3; ++lane)
        QVERIFY2(!ofKind(recording, lane, ObservationKind::Wire).isEmpty(),
                 qPrintable(QString::number(lane)));
    const QString chunked
        = ofKind(recording, 0, ObservationKind::Wire).last().fields.value(u"raw"_s).toString();
    QVERIFY2(chunked.contains(u"0\\r\\n\\r\\n"_s), qPrintable(chunked));
    const QString handshake
        = ofKind(recording, 2, ObservationKind::Wire).first().fields.value(u"raw"_s).toString();
    QVERIFY2(handshake.startsWith(u"HTTP/1.1 101"_s), qPrintable(handshake));
    const auto *wireView = m_window->lanePanels().at(0)->findChild<QPlainTextEdit *>(u"wire"_s);
    QVERIFY(wireView);
    QVERIFY2(wireView->toPlainText().contains(u"Transfer-Encoding: chunked"_s),
             qPrintable(wireView->toPlainText().left(300)));
    screenshot(u"lesson8-wire"_s);
}

void tst_LabWindow::repeatOverlaysRuns()
{
    select(u"text"_s, {u"/text?mode=stream&chunk=256&interval=10"_s,
                       u"/text?mode=buffered&chunk=256&interval=10"_s});
    m_window->setRepeat(3);
    runToEnd();
    const Recording &recording = m_window->session()->recording();
    QCOMPARE(recording.lanes.size(), 6);
    QVERIFY(recording.lanes.at(5).name.contains(u"run 3"_s));
    for (int lane = 0; lane < 6; ++lane)
        QVERIFY2(laneSucceeded(recording, lane), qPrintable(errorsOf(recording)));
    // Overlaid: every run starts at the same zero.
    for (int lane = 2; lane < 6; ++lane) {
        const qint64 offset
            = ofKind(recording, lane, ObservationKind::Request).first().tNs - recording.startedNs;
        QVERIFY2(offset >= 0 && offset < 1'000'000'000, qPrintable(QString::number(offset)));
    }
    QCOMPARE(m_window->summary()->rowCount(), 6);
}

void tst_LabWindow::savedRecordingReopens()
{
    select(u"records"_s, {u"/records?count=3&delay=20"_s, u"/records?count=3&delay=20"_s});
    runToEnd();
    const QString path = m_dir.filePath(u"session.json"_s);
    const Result<bool> saved = m_window->saveRecording(path);
    QVERIFY2(saved.isOk(), qPrintable(saved.error()));
    for (const QString &name : {u"t.png"_s, u"t.csv"_s, u"t.har"_s}) {
        const QString file = m_dir.filePath(name);
        const Result<bool> exported = name.endsWith(u"png"_s)   ? m_window->exportPng(file)
                                      : name.endsWith(u"csv"_s) ? m_window->exportCsv(file)
                                                                : m_window->exportHar(file);
        QVERIFY2(exported.isOk(), qPrintable(exported.error()));
        QVERIFY(QFileInfo(file).size() > 100);
    }
    QCOMPARE(QImage(m_dir.filePath(u"t.png"_s)).width(), m_window->timeline()->width() * 2);
    const qsizetype observations = m_window->session()->recording().observations.size();

    m_window = std::make_unique<LabWindow>(m_server->url(u"/"_s));
    m_window->show();
    const Result<bool> opened = m_window->openRecording(path);
    QVERIFY2(opened.isOk(), qPrintable(opened.error()));
    QCOMPARE(m_window->session()->recording().observations.size(), observations);
    QCOMPARE(m_window->lanePanels().size(), 2);
    QCOMPARE(m_window->summary()->rowCount(), 2);
    QVERIFY(m_window->lanePanels().at(0)->contentView()->text().contains(u"Alice"_s));
    // The timeline model holds the reopened recording, both lanes with their reads.
    QCOMPARE(m_window->timelineModel()->laneCount(), 2);
    QCOMPARE(m_window->timelineModel()->recording().observations.size(), observations);
    QVERIFY(firstPayloadNs(m_window->timelineModel()->recording(), 1) > 0);
    // The timeline shows it: a tooltip at the first read names its bytes.
    const Result<bool> broken = m_window->openRecording(m_dir.filePath(u"t.csv"_s));
    QVERIFY(!broken.isOk());
    QVERIFY2(broken.error().contains(u"t.csv"_s), qPrintable(broken.error()));
}

void tst_LabWindow::badKnobIsNamedNotRun()
{
    select(u"text"_s);
    ProbeSettings settings = m_window->lanePanels().at(0)->lane().value().settings;
    settings.url = QUrl(u"ftp://example.org/x"_s);
    m_window->lanePanels().at(0)->restoreSettings(settings);
    m_window->run();
    QVERIFY(!m_window->session()->isRunning());
    QVERIFY2(m_window->bannerText().contains(u"URL"_s), qPrintable(m_window->bannerText()));
    QVERIFY(m_window->bannerText().contains(u"streamed"_s));
}

void tst_LabWindow::anyUrlProbesAnotherServer()
{
    // "Their own server": another server than the one the window was started with.
    TestServer theirs;
    QCOMPARE(theirs.start(), QString());
    const int index = lessonIndex(u"any"_s);
    m_window->selectLesson(index);
    const QList<LanePanel *> panels = m_window->lanePanels();
    QVERIFY(!panels.isEmpty());
    QCOMPARE(panels.size(), 2);
    for (LanePanel *panel : panels) {
        ProbeSettings settings = panel->lane().value().settings;
        settings.headers = {{"X-Lab", "lesson 9"}};
        panel->restoreSettings(settings);
    }
    // Typed once into the first lane; the second follows it.
    const QString typed = theirs.url(u"/records?count=3&delay=10"_s).toString();
    auto *urlBox = panels.at(0)->findChild<QLineEdit *>(u"url"_s);
    QVERIFY(urlBox && urlBox->text() == panels.at(0)->urlText());
    urlBox->selectAll();
    QTest::keyClicks(urlBox, typed);
    QTest::keyClick(urlBox, Qt::Key_Return);
    QCOMPARE(panels.at(0)->urlText(), typed);
    QCOMPARE(panels.at(1)->urlText(), typed);
    runToEnd();
    screenshot(u"lesson9-any"_s);
    const Recording &recording = m_window->session()->recording();
    QCOMPARE(recording.lanes.size(), panels.size());
    for (int lane = 0; lane < recording.lanes.size(); ++lane) {
        QVERIFY2(laneSucceeded(recording, lane), qPrintable(errorsOf(recording)));
        const QList<Observation> requests = ofKind(recording, lane, ObservationKind::Request);
        QVERIFY(!requests.isEmpty());
        const QUrl sent(requests.first().fields.value(u"url"_s).toString());
        QCOMPARE(sent.port(), theirs.url(u"/"_s).port());
    }

    // A server that is not there: the lane says so, the window stays usable.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 deadPort = closed.serverPort();
    closed.close();
    ProbeSettings settings = panels.at(0)->lane().value().settings;
    settings.url = QUrl(u"http://127.0.0.1:%1/nothing"_s.arg(deadPort));
    panels.at(0)->restoreSettings(settings);
    runToEnd();
    const Recording &failed = m_window->session()->recording();
    QVERIFY(!laneSucceeded(failed, 0));
    QVERIFY(!ofKind(failed, 0, ObservationKind::Error).isEmpty());
    QVERIFY2(panels.at(0)->statusText().startsWith(u"failed:"_s),
             qPrintable(panels.at(0)->statusText()));
    QVERIFY(panels.at(0)->statusText().size() > u"failed: "_s.size());
}

void tst_LabWindow::settingsPersistAcrossRestart()
{
    QSettings().clear(); // what earlier tests left
    select(u"records"_s, {u"/records?count=7&delay=5"_s});
    m_window->resize(1234, 777);
    QVERIFY(m_window->close()); // closing saves geometry, the lesson and its knobs
    m_window = std::make_unique<LabWindow>(m_server->url(u"/"_s));
    QCOMPARE(m_window->lessonIndex(), lessonIndex(u"records"_s));
    QCOMPARE(m_window->size(), QSize(1234, 777));
    const QUrl url = m_window->lanePanels().at(0)->lane().value().settings.url;
    QVERIFY2(url.query().contains(u"count=7"_s), qPrintable(url.toString()));
    // A lesson never opened keeps its teaching defaults.
    m_window->selectLesson(lessonIndex(u"wire"_s));
    const QList<Lane> defaults
        = allLessons().at(lessonIndex(u"wire"_s)).lanes(m_server->url(u"/"_s));
    QCOMPARE(m_window->lanePanels().at(0)->lane().value().settings.url,
             defaults.at(0).settings.url);
    QSettings().clear();
}

void tst_LabWindow::repeatShowsEarlierRunsLive()
{
    // The second run is slow enough to be caught while live.
    select(u"text"_s, {u"/text?mode=stream&chunk=512&interval=40"_s,
                       u"/text?mode=buffered&chunk=512&interval=40"_s});
    m_window->setRepeat(2);
    m_window->run();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->runNumber() == 2, kRunTimeoutMs);
    QVERIFY(m_window->session()->isRunning());
    const TimelineModel *model = m_window->timelineModel();
    QCOMPARE(model->laneCount(), 4); // run 1's lanes stay while run 2 draws
    QVERIFY(model->recording().lanes.at(2).name.contains(u"run 2"_s));
    QVERIFY(laneSucceeded(model->recording(), 0));
    // Run 2's live reads land on its own rows, on run 1's clock (both start near zero).
    QTRY_VERIFY_WITH_TIMEOUT(!ofKind(model->recording(), 2, ObservationKind::Request).isEmpty(),
                             kRunTimeoutMs);
    const qint64 offset = ofKind(model->recording(), 2, ObservationKind::Request).first().tNs
                          - model->recording().startedNs;
    QVERIFY2(offset >= 0 && offset < 2'000'000'000, qPrintable(QString::number(offset)));

    // Many rows scroll rather than squeeze or grow the window.
    auto *scroll
        = qobject_cast<QScrollArea *>(m_window->timeline()->parentWidget()->parentWidget());
    QVERIFY(scroll);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->isRunning(), kRunTimeoutMs);
    m_window->setRepeat(4);
    runToEnd();
    QCOMPARE(m_window->timelineModel()->laneCount(), 8);
    screenshot(u"repeat-4"_s);
    QCOMPARE(m_window->size(), QSize(1400, 900));
    QTRY_VERIFY(scroll->verticalScrollBar()->maximum() > 0);
    QVERIFY(m_window->timeline()->height() >= m_window->timeline()->minimumSizeHint().height());
}

void tst_LabWindow::emptyTimelineSaysWhatToDo()
{
    // Before any run the timeline explains itself instead of showing a blank plot.
    QCOMPARE(m_window->timelineModel()->laneCount(), 0);
    const QImage empty = m_window->timeline()->renderImage(1);
    const QColor background = empty.pixelColor(empty.width() - 2, empty.height() / 2);
    // The empty grid inks a few pixels per row (its vertical lines); a line of text hundreds.
    int mostInked = 0;
    for (int y = empty.height() / 4; y < empty.height() * 3 / 4; ++y) {
        int inked = 0;
        for (int x = 0; x < empty.width(); ++x)
            inked += empty.pixelColor(x, y) != background ? 1 : 0;
        mostInked = std::max(mostInked, inked);
    }
    QVERIFY2(mostInked > 100, qPrintable(QString::number(mostInked)));
    QVERIFY(TimelineView::emptyHint().contains(u"Run"_s));
}

void tst_LabWindow::errorsFollowTheDarkPalette()
{
    const auto meanLightness = [](const QImage &image) {
        qint64 sum = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                sum += image.pixelColor(x, y).lightness();
        }
        return sum / std::max<qint64>(1, qint64(image.width()) * image.height());
    };
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    m_window->setPalette(dark);
    badKnobIsNamedNotRun(); // puts an error in the banner
    QLabel *banner = nullptr;
    for (QLabel *label : m_window->findChildren<QLabel *>()) {
        if (label->isVisible() && label->text() == m_window->bannerText())
            banner = label;
    }
    QVERIFY(banner && banner->text() == m_window->bannerText());
    QVERIFY2(meanLightness(banner->grab().toImage()) < 110,
             qPrintable(QString::number(meanLightness(banner->grab().toImage()))));
    m_window->setPalette(QPalette(QColor(0xf0, 0xf0, 0xf0)));
    QVERIFY(meanLightness(banner->grab().toImage()) > 170);
}

QTEST_MAIN(tst_LabWindow)
#include "tst_labwindow.moc"
