#include "views/throttle_fields.h"

#include <QDoubleSpinBox>
#include <QFormLayout>

namespace kappa::console {

ThrottleFields::ThrottleFields(QWidget *parent)
    : QWidget(parent)
    , m_rateMultiple(new QDoubleSpinBox)
    , m_maxRate(new QDoubleSpinBox)
    , m_minRate(new QDoubleSpinBox)
{
    m_rateMultiple->setRange(0.1, 10000);
    m_rateMultiple->setDecimals(1);
    m_rateMultiple->setValue(5);
    m_rateMultiple->setPrefix(tr("× "));
    m_rateMultiple->setToolTip(tr("The replay reads k times as fast as events arrive live."));
    m_maxRate->setRange(0, 100'000'000);
    m_maxRate->setDecimals(0);
    m_maxRate->setSingleStep(1000);
    m_maxRate->setSuffix(tr(" events/s"));
    m_maxRate->setSpecialValueText(tr("no cap"));
    m_minRate->setRange(0, 100'000'000);
    m_minRate->setDecimals(0);
    m_minRate->setSingleStep(1000);
    m_minRate->setValue(1000);
    m_minRate->setSuffix(tr(" events/s"));

    auto *layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("Rate &multiple (k × live ingest):"), m_rateMultiple);
    layout->addRow(tr("Ma&ximum rate:"), m_maxRate);
    layout->addRow(tr("M&inimum rate:"), m_minRate);
    setTabOrder(m_rateMultiple, m_maxRate);
    setTabOrder(m_maxRate, m_minRate);

    for (QDoubleSpinBox *box : {m_rateMultiple, m_maxRate, m_minRate})
        connect(box, &QDoubleSpinBox::valueChanged, this, &ThrottleFields::changed);
}

RateSettings ThrottleFields::rateSettings() const
{
    RateSettings rate;
    rate.rateMultiple = m_rateMultiple->value();
    rate.maxRate = m_maxRate->value();
    rate.minRate = m_minRate->value();
    return rate;
}

QString ThrottleFields::problem() const
{
    if (m_maxRate->value() > 0 && m_minRate->value() > m_maxRate->value())
        return tr("The minimum rate is above the maximum rate: lower the minimum or raise the cap.");
    return QString();
}

} // namespace kappa::console
