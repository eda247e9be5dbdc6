-- +goose Up
-- The product catalogue: SKUs and their prices per plan and currency, in
-- minor units. Reference data, so it lives in a migration.
INSERT INTO products (sku, name, family, max_quantity, versions, languages, bitness, downgrade_rights) VALUES
 ('GWS-BS',  'Google Workspace Business Starter',  'workspace',     300,    '{}', '{}', '{}', false),
 ('GWS-BSD', 'Google Workspace Business Standard', 'workspace',     300,    '{}', '{}', '{}', false),
 ('GWS-BP',  'Google Workspace Business Plus',     'workspace',     300,    '{}', '{}', '{}', false),
 ('GWS-ENT', 'Google Workspace Enterprise Standard','workspace',    100000, '{}', '{}', '{}', false),
 ('MEET-HW', 'Google Meet hardware licence',       'meet_hardware', 5000,   '{}', '{}', '{}', false),
 ('CEU',     'Chrome Enterprise Upgrade',          'chrome',        100000, '{}', '{}', '{}', false),
 ('GVOICE',  'Google Voice Standard',              'voice',         10000,  '{}', '{}', '{}', false),
 ('GCP-CTR', 'Google Cloud (contract plan)',       'cloud',         1,      '{}', '{}', '{}', false),
 ('O365-E1', 'Office 365 E1',                      'office365',     100000, '{}', '{}', '{}', false),
 ('O365-E3', 'Office 365 E3',                      'office365',     100000, '{}', '{}', '{}', false),
 ('O365-BB', 'Microsoft 365 Business Basic',       'office365',     300,    '{}', '{}', '{}', false),
 ('WINSRV-STD', 'Windows Server Standard',         'onprem',        1000,
    '{2025,2022,2019}', '{en-US,fr-FR,ja-JP,de-DE}', '{64-bit}', true),
 ('OFFICE-LTSC', 'Office LTSC Professional Plus',  'onprem',        1000,
    '{2024,2021}', '{en-US,fr-FR,ja-JP,de-DE}', '{32-bit,64-bit}', true),
 ('SQLSRV-STD', 'SQL Server Standard',             'onprem',        1000,
    '{2022,2019,2017}', '{en-US,fr-FR,ja-JP}', '{64-bit}', true);

-- Prices: one row per product, plan and currency.
INSERT INTO prices (product_id, plan, currency, unit_price_minor)
SELECT p.id, v.plan, c.currency, round(v.base * c.rate)::bigint
FROM products p
JOIN (VALUES
  ('GWS-BS', 'flexible', 840), ('GWS-BS', 'annual_monthly', 700), ('GWS-BS', 'annual_prepaid', 8400), ('GWS-BS', 'trial', 0),
  ('GWS-BSD', 'flexible', 1680), ('GWS-BSD', 'annual_monthly', 1400), ('GWS-BSD', 'annual_prepaid', 16800), ('GWS-BSD', 'trial', 0),
  ('GWS-BP', 'flexible', 2640), ('GWS-BP', 'annual_monthly', 2200), ('GWS-BP', 'annual_prepaid', 26400), ('GWS-BP', 'trial', 0),
  ('GWS-ENT', 'flexible', 3120), ('GWS-ENT', 'annual_monthly', 2600), ('GWS-ENT', 'annual_prepaid', 31200),
  ('MEET-HW', 'flexible', 2500), ('MEET-HW', 'annual_monthly', 2084), ('MEET-HW', 'annual_prepaid', 25000),
  ('CEU', 'flexible', 600), ('CEU', 'annual_prepaid', 5000),
  ('GVOICE', 'flexible', 2000), ('GVOICE', 'annual_monthly', 2000),
  ('GCP-CTR', 'annual_prepaid', 1200000),
  ('O365-E1', 'flexible', 1200), ('O365-E1', 'annual_monthly', 1000), ('O365-E1', 'annual_prepaid', 12000),
  ('O365-E3', 'flexible', 2760), ('O365-E3', 'annual_monthly', 2300), ('O365-E3', 'annual_prepaid', 27600),
  ('O365-BB', 'flexible', 720), ('O365-BB', 'annual_monthly', 600), ('O365-BB', 'annual_prepaid', 7200),
  ('WINSRV-STD', 'annual_prepaid', 110000), ('OFFICE-LTSC', 'annual_prepaid', 45000), ('SQLSRV-STD', 'annual_prepaid', 95000)
) AS v(sku, plan, base) ON v.sku = p.sku
CROSS JOIN (VALUES ('USD', 1.0), ('EUR', 0.93), ('GBP', 0.80), ('CHF', 0.90), ('SEK', 10.5), ('CAD', 1.36), ('AUD', 1.52),
                   ('JPY', 1.5)) AS c(currency, rate);
-- JPY has no minor unit: the rate above already turns cents into whole yen (1.50 USD cents per yen unit).

-- +goose Down
DELETE FROM prices;
DELETE FROM products;
