// SPDX-License-Identifier: GPL-3.0-only
// `streamlab serve` as a user runs it: the URL line on stdout, a working server behind it,
// a clean stop on SIGTERM and SIGINT, and one-line errors with exit code 2 for bad options.
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

class tst_ServeCommand : public QObject
{
    Q_OBJECT
private slots:
    void printsUrlServesAndStops_data();
    void printsUrlServesAndStops();
    void badOptions_data();
    void badOptions();
    void helpAndVersion();
};

void tst_ServeCommand::printsUrlServesAndStops_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("sigterm") << int(SIGTERM);
    QTest::newRow("sigint") << int(SIGINT);
}

void tst_ServeCommand::printsUrlServesAndStops()
{
    QFETCH(int, signalNumber);
    QProcess process;
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), {u"serve"_s, u"--port"_s, u"0"_s});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(process.canReadLine(), 15000);
    const QString line = QString::fromUtf8(process.readLine()).trimmed();
    const QUrl url(line);
    QVERIFY2(url.isValid() && url.scheme() == u"http"_s, qPrintable(line));
    QCOMPARE(url.host(), u"127.0.0.1"_s);
    QVERIFY(url.port() > 0);

    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(url.resolved(QUrl(u"/records?count=2&delay=0"_s))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->readAll().count('\n'), 2);
    delete reply;

    ::kill(pid_t(process.processId()), signalNumber);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void tst_ServeCommand::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown_option") << QStringList{u"serve"_s, u"--frobnicate"_s} << u"frobnicate"_s;
    QTest::newRow("port_not_number") << QStringList{u"serve"_s, u"--port"_s, u"http"_s} << u"--port"_s;
    QTest::newRow("port_too_big") << QStringList{u"serve"_s, u"--port"_s, u"70000"_s} << u"--port"_s;
    QTest::newRow("bind_not_address") << QStringList{u"serve"_s, u"--bind"_s, u"nowhere"_s} << u"--bind"_s;
    QTest::newRow("files_missing") << QStringList{u"serve"_s, u"--files"_s, u"/no/such/dir"_s} << u"--files"_s;
    QTest::newRow("missing_value") << QStringList{u"serve"_s, u"--port"_s} << u"port"_s;
    QTest::newRow("unknown_command") << QStringList{u"frobnicate"_s} << u"frobnicate"_s;
}

void tst_ServeCommand::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    QProcess process;
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), arguments);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(error.count(u'\n'), 1);
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void tst_ServeCommand::helpAndVersion()
{
    QProcess process;
    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), {u"serve"_s, u"--help"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray help = process.readAllStandardOutput();
    for (const char *option : {"--bind", "--port", "--files", "--idle-timeout"})
        QVERIFY2(help.contains(option), option);

    process.start(QString::fromLocal8Bit(STREAMLAB_BINARY), {u"serve"_s, u"--version"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().contains(STREAMLAB_VERSION));
}

QTEST_GUILESS_MAIN(tst_ServeCommand)
#include "tst_servecommand.moc"
