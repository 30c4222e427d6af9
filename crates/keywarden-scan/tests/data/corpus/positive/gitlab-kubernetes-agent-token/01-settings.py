token = "glagent-k9QecAXxCXfsdfB5bjsJh8q02YhpR8BB8aPCwmbRI-FIry41lr"
