// SPDX-License-Identifier: GPL-3.0-only
// `streamlab` (the lab window) as a user starts it: the built-in server listens on the asked
// port, or, when that port is taken, on another one with the reason said in the window and on
// the terminal; bad options are named. Runs the real binary on the offscreen platform.
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Everything the process wrote on stderr until `pattern` matched (or the timeout).
QString waitForStderr(QProcess &process, const QRegularExpression &pattern, int timeoutMs)
{
    QString seen;
    QElapsedTimer timer;
    timer.start();
    while (!pattern.match(seen).hasMatch() && timer.elapsed() < timeoutMs
           && process.state() == QProcess::Running) {
        process.waitForReadyRead(200);
        seen += QString::fromUtf8(process.readAllStandardError());
    }
    return seen + QString::fromUtf8(process.readAllStandardError());
}

} // namespace

class tst_GuiCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void takenPortFallsBackAndSaysSo();
    void badPortIsNamed();

private:
    QProcessEnvironment environment() const;

    QTemporaryDir m_home;
};

void tst_GuiCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
}

QProcessEnvironment tst_GuiCommand::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"HOME"_s, m_home.path()); // its QSettings stay in the test's folder
    env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
    return env;
}

void tst_GuiCommand::takenPortFallsBackAndSaysSo()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = occupant.serverPort();

    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), {u"--port"_s, QString::number(taken)});
    QVERIFY(process.waitForStarted());
    const QRegularExpression urlLine(u"built-in server at (\\S+)\\n"_s);
    const QRegularExpression noteLine(u"Port \\d+ is in use[^\\n]*\\n"_s);
    QString text = waitForStderr(process, noteLine, 20000);
    const QRegularExpressionMatch url = urlLine.match(text);
    QVERIFY2(url.hasMatch(), qPrintable(text));
    QVERIFY2(text.contains(u"Port %1 is in use"_s.arg(taken)), qPrintable(text));
    const QUrl base(url.captured(1));
    QVERIFY2(base.port() > 0 && base.port() != taken, qPrintable(text));

    // The fallback server really serves.
    QNetworkAccessManager nam;
    QNetworkReply *reply
        = nam.get(QNetworkRequest(base.resolved(QUrl(u"/records?count=2&delay=0"_s))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->readAll().count('\n'), 2);
    delete reply;
    QCOMPARE(process.state(), QProcess::Running); // the window is up, not crashed

    process.terminate();
    QVERIFY(process.waitForFinished(10000));
}

void tst_GuiCommand::badPortIsNamed()
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), {u"--port"_s, u"70000"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(u"--port"_s) && error.contains(u"70000"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_GuiCommand)
#include "tst_guicommand.moc"
