-- cleanup: the start of the day of {at:DateTime64(3)} (a query parameter) in the storage's time
-- zone, as the cutoff, its day and its Unix time (the parameter of the deletes).

SELECT toStartOfDay({at:DateTime64(3)}) AS cutoff, toDate(cutoff) AS day, toUnixTimestamp(cutoff) AS unix
