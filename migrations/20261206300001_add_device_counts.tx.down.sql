DROP TRIGGER devices_count_update ON devices;
DROP TRIGGER devices_count_delete ON devices;
DROP TRIGGER devices_count_insert ON devices;
DROP FUNCTION devices_count_update();
DROP FUNCTION devices_count_delete();
DROP FUNCTION devices_count_insert();
DROP FUNCTION refurb_fold_device_counts();
DROP FUNCTION refurb_recount_devices();
DROP TABLE device_counts;
