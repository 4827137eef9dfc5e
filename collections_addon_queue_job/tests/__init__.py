from . import test_followup_queue_job
