# English as read in Denmark: day before month and a 24-hour clock ("1 December 2026 14:30"),
# not Django's American "Dec. 1, 2026, 2:30 p.m.".
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
# Numbers as English writes them: "17,700", "2.8" (proposals.numbers shows figures with these;
# typed figures and import files stay Danish).
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
NUMBER_GROUPING = 3
