-- Certificates: donation and data-erasure certificates issued for a donation, each a PDF rendered
-- once and kept byte for byte with its SHA-256, verifiable online with a random token whose hash
-- only is stored. A re-issue never changes or deletes a certificate: it gets a new number and the
-- old one points to it (superseded_by), the only change the application may make. Impact factors
-- (kg CO2e avoided per device category) are versioned sets, and each certificate freezes the
-- factors and values it used, so a later factor set never changes an issued figure.
-- See docs/certificates.md.

-- The organisation printed on every certificate. Administrators update the values
-- (refurb_app has UPDATE on settings); the logo is {"type": "png" | "jpg", "data": base64} or null.
INSERT INTO settings (key, value) VALUES
  ('org.name', '"Digital Inclusion asbl"'),
  ('org.address', '""'),
  ('org.registration_number', '""'),
  ('org.logo', 'null')
ON CONFLICT (key) DO NOTHING;

-- A set of impact factors, by name and version. Sets are added by migrations, never changed.
CREATE TABLE impact_factor_sets (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  version      text NOT NULL CHECK (length(btrim(version)) BETWEEN 1 AND 50),
  source       text CHECK (length(source) <= 500),
  -- avoided = footprint x displacement: the share of a new device's manufacture a reused one
  -- is taken to replace.
  displacement numeric(4,3) NOT NULL CHECK (displacement > 0 AND displacement <= 1),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);
GRANT SELECT ON impact_factor_sets TO refurb_app;

CREATE TABLE impact_factors (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  set_id            bigint NOT NULL REFERENCES impact_factor_sets (id),
  category          text NOT NULL CHECK (category ~ '^[a-z0-9_]+$'),
  label             text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
  weight_kg         numeric(7,3) NOT NULL CHECK (weight_kg > 0),
  footprint_kg_co2e numeric(9,2) NOT NULL CHECK (footprint_kg_co2e >= 0),
  avoided_kg_co2e   numeric(9,2) NOT NULL CHECK (avoided_kg_co2e >= 0),
  UNIQUE (set_id, category)
);
GRANT SELECT ON impact_factors TO refurb_app;

-- Restart Project, 2021 data (docs/domain.md section 4): avoided = manufacturing footprint x 0.5.
WITH s AS (
  INSERT INTO impact_factor_sets (name, version, source, displacement)
  VALUES ('Restart Project', '2021', 'The Restart Project, Open Repair data and emissions factors, 2021 data', 0.5)
  RETURNING id
)
INSERT INTO impact_factors (set_id, category, label, weight_kg, footprint_kg_co2e, avoided_kg_co2e)
SELECT s.id, f.category, f.label, f.weight_kg, f.footprint, f.avoided FROM s, (VALUES
  ('desktop',         'Desktop',          6.69, 414.17, 207.1),
  ('laptop_large',    'Laptop large',     2.53, 414.70, 207.3),
  ('laptop_medium',   'Laptop medium',    1.83, 265.32, 132.7),
  ('laptop_small',    'Laptop small',     1.39, 221.15, 110.6),
  ('screen_15_17',    'Screen 15-17"',    3.15, 262.56, 131.3),
  ('screen_19_20',    'Screen 19-20"',    3.66, 304.88, 152.4),
  ('screen_22_24',    'Screen 22-24"',    5.23, 343.49, 171.7),
  ('tablet',          'Tablet',           0.77, 114.49,  57.2),
  ('smartphone',      'Smartphone',       0.15,  50.51,  25.3),
  ('pc_accessory',    'PC accessory',     0.44,  15.94,   8.0),
  ('printer_scanner', 'Printer/scanner', 12.47, 100.69,  50.3)
) AS f (category, label, weight_kg, footprint, avoided);

-- Certificate numbers run per kind and year (DC-2026-00042). The counter row is updated in the
-- issuing transaction: numbers never collide and a rolled-back issue leaves no gap.
CREATE TABLE certificate_counters (
  kind text NOT NULL CHECK (kind IN ('donation', 'erasure', 'handover', 'attendance')),
  year int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
  last int NOT NULL CHECK (last >= 0),
  PRIMARY KEY (kind, year)
);
GRANT SELECT, INSERT, UPDATE ON certificate_counters TO refurb_app;

CREATE TABLE certificates (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number        text NOT NULL UNIQUE CHECK (number ~ '^(DC|EC|HC|AC)-[0-9]{4}-[0-9]{5,}$'),
  kind          text NOT NULL CHECK (kind IN ('donation', 'erasure', 'handover', 'attendance')),
  year          int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
  seq           int NOT NULL CHECK (seq > 0),
  donation_id   bigint REFERENCES donations (id),
  language      text NOT NULL CHECK (language IN ('fr', 'de', 'en')),
  issued_at     timestamptz NOT NULL DEFAULT now(),
  issued_by     bigint REFERENCES users (id),
  -- What the public verification page shows, frozen at issue: the issuing organisation's name,
  -- the donor's name (null for a private person or an anonymous drop-off: personal data is
  -- never shown there) and the counts printed on the document.
  issuer_name   text NOT NULL CHECK (length(btrim(issuer_name)) BETWEEN 1 AND 200),
  donor_name    text CHECK (length(donor_name) <= 200),
  device_count  int NOT NULL CHECK (device_count >= 0),
  drive_count   int NOT NULL CHECK (drive_count >= 0),
  factor_set_id bigint REFERENCES impact_factor_sets (id),
  pdf           bytea NOT NULL CHECK (length(pdf) > 0),
  pdf_sha256    text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  -- SHA-256 of the 128-bit verification token: the token itself is only in the PDF's QR code.
  token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  superseded_by bigint REFERENCES certificates (id),
  UNIQUE (kind, year, seq),
  CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
  CHECK (kind NOT IN ('donation', 'erasure') OR donation_id IS NOT NULL),
  CHECK (superseded_by IS NULL OR superseded_by <> id)
);
CREATE INDEX certificates_donation_idx ON certificates (donation_id, id);
-- Append-only but for the link to the certificate that replaces it.
GRANT SELECT, INSERT ON certificates TO refurb_app;
GRANT UPDATE (superseded_by) ON certificates TO refurb_app;

-- A certificate is superseded once, by a later certificate of the same kind for the same
-- subject, and never un-superseded.
CREATE FUNCTION certificates_check_supersede() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  successor certificates%ROWTYPE;
BEGIN
  IF OLD.superseded_by IS NOT NULL THEN
    RAISE EXCEPTION 'certificate % is already superseded', OLD.number USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  SELECT * INTO successor FROM certificates WHERE id = NEW.superseded_by;
  IF successor.kind <> OLD.kind OR successor.donation_id IS DISTINCT FROM OLD.donation_id OR successor.id < OLD.id THEN
    RAISE EXCEPTION 'certificate % can only be superseded by a later one of the same kind and subject', OLD.number
      USING ERRCODE = 'RF010'; -- pgcode.SupersedeRefused
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER certificates_check_supersede BEFORE UPDATE ON certificates FOR EACH ROW EXECUTE FUNCTION certificates_check_supersede();

-- The impact factors a certificate used, with the values as they were: re-reading a factor set
-- never changes an issued figure.
CREATE TABLE certificate_factors (
  certificate_id  bigint NOT NULL REFERENCES certificates (id),
  factor_id       bigint NOT NULL REFERENCES impact_factors (id),
  category        text NOT NULL,
  avoided_kg_co2e numeric(9,2) NOT NULL CHECK (avoided_kg_co2e >= 0),
  devices         int NOT NULL CHECK (devices >= 0),
  PRIMARY KEY (certificate_id, factor_id)
);
GRANT SELECT, INSERT ON certificate_factors TO refurb_app;
