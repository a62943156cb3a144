#include <QTest>
class tst_PollProbe : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_PollProbe)
#include "tst_pollprobe.moc"
