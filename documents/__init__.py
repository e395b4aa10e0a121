"""Files the bot makes for people: charts (PNG), spreadsheets (XLSX and CSV), QR codes.
Pure presentation: plain values in, bytes out; nothing here touches Telegram or the database."""
