// ValidationDiffModel under QAbstractItemModelTester: diffs grouped by key
// with their fields below, the roles the review filters on, and the filter
// proxies the Review validation wizard stacks on it.
#include "models/validation_diff_model.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace kappa::console;

namespace {

ValidationDiff diff(qint64 key, const QString &field, QJsonValue live, QJsonValue candidate,
                    QStringList samples = {QStringLiteral("uniform")})
{
    return ValidationDiff{key, samples, field, live, candidate};
}

ValidationInfo validation()
{
    ValidationInfo v;
    v.job = QStringLiteral("user_features");
    v.candidate = QStringLiteral("v2");
    v.diffs = {diff(42, "views_1h", 3, 4),
               diff(7, "(row)", QJsonObject{{"views_1h", 1}}, QJsonValue::Null, {"recent"}),
               diff(42, "last_items", QJsonArray{1, 2}, QJsonArray{2, 1}, {"hottest"}),
               diff(42, "spend_30d", 10.5, 11.25)};
    return v;
}

} // namespace

class TestValidationDiffModel : public QObject
{
    Q_OBJECT

private slots:
    void groupsByKey()
    {
        ValidationDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setValidation(validation());
        QCOMPARE(model.rowCount(), 2); // keys in kappad's order: 42, then 7
        QCOMPARE(model.keyCount(), 2);
        const QModelIndex first = model.index(0, ValidationDiffModel::KeyOrField);
        QCOMPARE(first.data().toString(), QStringLiteral("42"));
        QCOMPARE(first.data(ValidationDiffModel::KeyRole).toLongLong(), 42);
        QVERIFY(first.data(ValidationDiffModel::FieldRole).toString().isEmpty());
        QCOMPARE(model.index(0, ValidationDiffModel::Samples).data().toString(),
                 QStringLiteral("uniform, hottest"));
        QCOMPARE(model.rowCount(first), 3);
        QCOMPARE(model.rowCount(model.index(0, ValidationDiffModel::Live)), 0); // children only under column 0

        const QModelIndex views = model.index(0, ValidationDiffModel::KeyOrField, first);
        QCOMPARE(views.data().toString(), QStringLiteral("views_1h"));
        QCOMPARE(views.parent(), first);
        QCOMPARE(views.data(ValidationDiffModel::KeyRole).toLongLong(), 42);
        QCOMPARE(views.data(ValidationDiffModel::FieldRole).toString(), QStringLiteral("views_1h"));
        QCOMPARE(views.siblingAtColumn(ValidationDiffModel::Live).data().toString(), QStringLiteral("3"));
        QCOMPARE(views.siblingAtColumn(ValidationDiffModel::Candidate).data().toString(), QStringLiteral("4"));
        const QModelIndex items = model.index(1, ValidationDiffModel::Live, first);
        QCOMPARE(items.data().toString(), QStringLiteral("[1,2]"));

        const QModelIndex missing = model.index(0, ValidationDiffModel::KeyOrField, model.index(1, 0));
        QCOMPARE(missing.data(ValidationDiffModel::FieldRole).toString(), QStringLiteral("(row)"));
        QVERIFY(missing.data().toString().contains("no row"));
        QCOMPARE(missing.siblingAtColumn(ValidationDiffModel::Candidate).data().toString(),
                 QStringLiteral("—"));

        QCOMPARE(model.fields(), (QStringList{"(row)", "last_items", "spend_30d", "views_1h"}));

        model.setValidation(ValidationInfo{}); // a new validation replaces the old one
        QCOMPARE(model.rowCount(), 0);
    }

    void businessMetricsKeysAreWindows()
    {
        // key = window_start_ms * 1000 + category
        const qint64 key = 1764140400000LL * 1000 + 3;
        QCOMPARE(diffKeyText(QStringLiteral("business_metrics"), key),
                 QStringLiteral("window 2025-11-26 07:00 UTC, category 3"));
        QCOMPARE(diffKeyText(QStringLiteral("fraud"), 1234), QStringLiteral("1234"));
    }

    void values()
    {
        QCOMPARE(formatJsonValue(QJsonValue(true)), QStringLiteral("true"));
        QCOMPARE(formatJsonValue(QJsonValue(0.1)), QStringLiteral("0.1"));
        QCOMPARE(formatJsonValue(QJsonValue(QStringLiteral("x"))), QStringLiteral("x"));
        QCOMPARE(formatJsonValue(QJsonValue::Null), QStringLiteral("—"));
        QCOMPARE(formatJsonValue(QJsonObject{{"a", 1}}), QStringLiteral(R"({"a":1})"));
    }

    void filteringByTextAndField()
    {
        ValidationDiffModel model;
        model.setValidation(validation());
        // As the Review validation wizard stacks them: one field, then free text.
        QSortFilterProxyModel byField;
        byField.setSourceModel(&model);
        byField.setFilterRole(ValidationDiffModel::FieldRole);
        byField.setRecursiveFilteringEnabled(true);
        QSortFilterProxyModel byText;
        byText.setSourceModel(&byField);
        byText.setFilterKeyColumn(ValidationDiffModel::KeyOrField);
        byText.setFilterCaseSensitivity(Qt::CaseInsensitive);
        byText.setRecursiveFilteringEnabled(true);
        byText.setAutoAcceptChildRows(true);
        QAbstractItemModelTester fieldTester(&byField, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester textTester(&byText, QAbstractItemModelTester::FailureReportingMode::QtTest);

        byText.setFilterFixedString(QStringLiteral("SPEND"));
        QCOMPARE(byText.rowCount(), 1); // key 42, for its field spend_30d
        QCOMPARE(byText.rowCount(byText.index(0, 0)), 1);
        byText.setFilterFixedString(QStringLiteral("42"));
        QCOMPARE(byText.rowCount(), 1);
        QCOMPARE(byText.rowCount(byText.index(0, 0)), 3); // a matching key shows all its fields
        byText.setFilterFixedString(QString());

        byField.setFilterRegularExpression(QRegularExpression(QStringLiteral("^views_1h$")));
        QCOMPARE(byText.rowCount(), 1);
        QCOMPARE(byText.rowCount(byText.index(0, 0)), 1);
        QCOMPARE(byText.index(0, 0, byText.index(0, 0)).data().toString(), QStringLiteral("views_1h"));
        byField.setFilterRegularExpression(QRegularExpression(QStringLiteral("^\\(row\\)$")));
        QCOMPARE(byText.rowCount(), 1);
        QCOMPARE(byText.index(0, 0).data(ValidationDiffModel::KeyRole).toLongLong(), 7);
    }

    void sorting()
    {
        ValidationDiffModel model;
        model.setValidation(validation());
        QSortFilterProxyModel sorted;
        sorted.setSourceModel(&model);
        sorted.setSortRole(ValidationDiffModel::SortRole);
        QAbstractItemModelTester tester(&sorted, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sorted.sort(ValidationDiffModel::KeyOrField, Qt::AscendingOrder);
        QCOMPARE(sorted.index(0, 0).data(ValidationDiffModel::KeyRole).toLongLong(), 7);
        sorted.sort(ValidationDiffModel::Live, Qt::DescendingOrder); // by the number of differing fields
        QCOMPARE(sorted.index(0, 0).data(ValidationDiffModel::KeyRole).toLongLong(), 42);
    }
};

QTEST_GUILESS_MAIN(TestValidationDiffModel)
#include "test_validation_diff_model.moc"
