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

#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
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
    QVERIFY(!m_window->timeline()->renderImage(1).isNull());
}

void tst_LabWindow::imageDrawsBeforeItCompletes()
{
    select(u"image"_s, {u"/image?mode=stream&chunk=16384&interval=10"_s,
                        u"/image?mode=buffered&chunk=16384&interval=10"_s});
    runToEnd();
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

QTEST_MAIN(tst_LabWindow)
#include "tst_labwindow.moc"
