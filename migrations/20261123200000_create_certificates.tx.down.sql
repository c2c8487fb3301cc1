-- Reverts the certificates schema and the organisation settings it added.
DROP TABLE certificate_factors, certificates, certificate_counters, impact_factors, impact_factor_sets;
DROP FUNCTION certificates_check_supersede();
DELETE FROM settings WHERE key IN ('org.name', 'org.address', 'org.registration_number', 'org.logo');
