<?php
// Moodle drill, step 12 (Moodle side): set one External tool activity's "Launch container".
//   php interop/moodle_set_container.php <moodle dir> <cmid> <container>
// <container>: default | embed | embed-no-blocks | window | existing (Moodle 5.0's
// LTI_LAUNCH_CONTAINER_* in mod/lti/locallib.php: 1, 2, 3, 4, 5). Moodle sends
// launch_presentation.document_target "iframe" for embed and embed-no-blocks, "window" for
// window and "frame" for existing (the launch replaces Moodle's window).
// Prints the activity's name, its old and new value.
define('CLI_SCRIPT', true);
[$self, $moodledir, $cmid, $name] = $argv + [null, null, null, null];
if (!$moodledir || !$cmid || !$name) {
    fwrite(STDERR, "usage: php moodle_set_container.php <moodle dir> <cmid> <container>\n");
    exit(2);
}
require($moodledir . '/config.php');
require_once($CFG->dirroot . '/mod/lti/locallib.php');
$values = [
    'default' => LTI_LAUNCH_CONTAINER_DEFAULT,
    'embed' => LTI_LAUNCH_CONTAINER_EMBED,
    'embed-no-blocks' => LTI_LAUNCH_CONTAINER_EMBED_NO_BLOCKS,
    'window' => LTI_LAUNCH_CONTAINER_WINDOW,
    'existing' => LTI_LAUNCH_CONTAINER_REPLACE_MOODLE_WINDOW,
];
if (!isset($values[$name])) {
    fwrite(STDERR, "unknown container $name\n");
    exit(2);
}
$cm = get_coursemodule_from_id('lti', (int)$cmid, 0, false, MUST_EXIST);
$lti = $DB->get_record('lti', ['id' => $cm->instance], '*', MUST_EXIST);
$DB->set_field('lti', 'launchcontainer', $values[$name], ['id' => $lti->id]);
rebuild_course_cache($cm->course, true);
echo json_encode(['cmid' => (int)$cmid, 'name' => $lti->name, 'old' => (int)$lti->launchcontainer,
    'new' => $values[$name]]) . "\n";
