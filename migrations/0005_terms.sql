-- +goose Up
-- The platform's terms of service as a versioned document (R-OFF-5, issue 7
-- §6): each version is published once, with its text per language; a
-- customer records the version its admin accepted.

CREATE TABLE terms_versions (
    id           bigserial PRIMARY KEY,
    version      text NOT NULL UNIQUE CHECK (version <> ''),
    published_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terms_versions_published_idx ON terms_versions (published_at DESC, id DESC);

CREATE TABLE terms_texts (
    version_id bigint NOT NULL REFERENCES terms_versions(id),
    locale     text NOT NULL CHECK (locale IN ('en', 'fr', 'ja')),
    title      text NOT NULL CHECK (title <> ''),
    body       text NOT NULL CHECK (body <> ''),
    PRIMARY KEY (version_id, locale)
);

ALTER TABLE customers ADD COLUMN tos_version_id bigint REFERENCES terms_versions(id);

INSERT INTO terms_versions (version, published_at) VALUES ('2026-01', '2026-01-01T00:00:00Z');

INSERT INTO terms_texts (version_id, locale, title, body)
SELECT id, 'en', 'Partner Console terms of service',
'1. Scope. These terms govern the subscriptions your organisation accepts through Partner Console, whether offered by a reseller or by the platform directly.

2. Subscriptions. An accepted offer creates or changes a subscription for the product, quantity, plan and price shown in the offer. Online subscriptions renew automatically at the end of each term until they are cancelled; a cancelled subscription stays active until its end date.

3. Billing. Charges are invoiced by the reseller named in the offer, or by the platform for a direct offer, in the currency of the offer. Google Meet hardware is invoiced on the first day of the month after the subscription starts.

4. Transfer tokens. A transfer token lets the reseller it was made for take over your subscriptions of one product group. Keep it secret; revoke it if it was shared by mistake. It expires after 14 days and can be used once.

5. Administrators. Only your organisation''s administrators may accept offers, make transfer tokens and accept these terms on its behalf.

6. Suspension. A subscription stays suspended until these terms are accepted. Accepting them lifts that suspension; other suspensions (for example for non-payment) stay.

7. Changes. When a new version of these terms is published, this page shows it and asks an administrator to accept it. The version each administrator accepted is recorded.'
FROM terms_versions WHERE version = '2026-01';

INSERT INTO terms_texts (version_id, locale, title, body)
SELECT id, 'fr', 'Conditions d''utilisation de Partner Console',
'1. Objet. Les présentes conditions régissent les abonnements que votre organisation accepte dans Partner Console, qu''ils soient proposés par un revendeur ou directement par la plateforme.

2. Abonnements. Une offre acceptée crée ou modifie un abonnement pour le produit, la quantité, la formule et le prix indiqués dans l''offre. Les abonnements en ligne se renouvellent automatiquement à la fin de chaque période jusqu''à leur résiliation ; un abonnement résilié reste actif jusqu''à sa date de fin.

3. Facturation. Les montants sont facturés par le revendeur indiqué dans l''offre, ou par la plateforme pour une offre directe, dans la devise de l''offre. Le matériel Google Meet est facturé le premier jour du mois qui suit le début de l''abonnement.

4. Jetons de transfert. Un jeton de transfert permet au revendeur pour lequel il a été créé de reprendre vos abonnements d''un groupe de produits. Gardez-le secret ; révoquez-le s''il a été communiqué par erreur. Il expire au bout de 14 jours et ne sert qu''une fois.

5. Administrateurs. Seuls les administrateurs de votre organisation peuvent accepter des offres, créer des jetons de transfert et accepter ces conditions en son nom.

6. Suspension. Un abonnement reste suspendu tant que ces conditions ne sont pas acceptées. Les accepter lève cette suspension ; les autres suspensions (par exemple pour défaut de paiement) demeurent.

7. Modifications. Lorsqu''une nouvelle version de ces conditions est publiée, cette page l''affiche et demande à un administrateur de l''accepter. La version acceptée par chaque administrateur est enregistrée.'
FROM terms_versions WHERE version = '2026-01';

INSERT INTO terms_texts (version_id, locale, title, body)
SELECT id, 'ja', 'Partner Console 利用規約',
'1. 適用範囲。本規約は、リセラーからの提案またはプラットフォームからの直接の提案により、貴組織が Partner Console で承諾するサブスクリプションに適用されます。

2. サブスクリプション。承諾した提案により、提案に示された製品、数量、プラン、価格でサブスクリプションが作成または変更されます。オンラインのサブスクリプションは解約されるまで各期間の終了時に自動更新されます。解約されたサブスクリプションは終了日まで有効です。

3. 請求。料金は提案に記載されたリセラー（直接の提案の場合はプラットフォーム）が、提案の通貨で請求します。Google Meet ハードウェアはサブスクリプション開始月の翌月 1 日に請求されます。

4. 移管トークン。移管トークンにより、そのトークンを発行した相手のリセラーが 1 つの製品グループのサブスクリプションを引き継ぐことができます。秘密に保ち、誤って共有した場合は取り消してください。有効期限は 14 日で、1 回のみ使用できます。

5. 管理者。貴組織を代表して提案の承諾、移管トークンの作成、本規約への同意ができるのは、貴組織の管理者のみです。

6. 一時停止。本規約に同意するまで、サブスクリプションは一時停止されたままです。同意するとこの一時停止は解除されます。その他の理由（未払いなど）による一時停止は継続します。

7. 変更。本規約の新しいバージョンが公開されると、このページに表示され、管理者に同意を求めます。各管理者が同意したバージョンは記録されます。'
FROM terms_versions WHERE version = '2026-01';

-- Customers who accepted before versions existed accepted the terms then in force.
UPDATE customers SET tos_version_id = (SELECT id FROM terms_versions WHERE version = '2026-01')
 WHERE tos_accepted_at IS NOT NULL;

-- +goose Down
ALTER TABLE customers DROP COLUMN tos_version_id;
DROP TABLE terms_texts;
DROP TABLE terms_versions;
