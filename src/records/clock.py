"""The portal's clock: aware datetimes in the centre's time zone.

NB: Viet Nam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact; and
unlike a ZoneInfo it pickles into the store.
"""
import datetime

TIMEZONE = datetime.timezone(datetime.timedelta(hours=7), "ICT")


def now():
    return datetime.datetime.now(TIMEZONE)


def today():
    return now().date()
